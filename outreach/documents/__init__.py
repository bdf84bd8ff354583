"""Printable documents: pick lists, packing slips and QR posters in every script.

- `shipment`: what a document says about a shipment or a link, read from the database;
- `pdf`: the PDFs themselves (pure: plain values in, bytes out);
- `fonts`: Debian's Noto fonts, found by path; the faces the browser needs for Urdu and Chinese.

The sentences printed for an organization are catalog entries (`outreach/translations/<code>/documents.json`,
read with `outreach.i18n.t`), the same ones the screens and the HTML poster show.
"""
