"""Printable documents: pick lists, packing slips and QR posters in every script.

- `shipment`: what a document says about a shipment or a link, read from the database;
- `pdf`: the PDFs themselves (pure: plain values in, bytes out);
- `text`: the sentences printed for an organization, in its language;
- `fonts`: Debian's Noto fonts, found by path.
"""
