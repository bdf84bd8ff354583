"""The few sentences the printed documents say to an organization, in the campaign's ten languages.

Kept apart from the faith-leader screens' catalog (`outreach/translations/`) because paper has its own
wording: a note that travels in the box, the receipt line a leader signs, the poster on the notice board.
`str.format` placeholders; tests/documents/test_pdf.py checks every language has every key and exactly the
English placeholders.
"""

from __future__ import annotations

from typing import Any

from outreach.catalog import LANGUAGE_CODES

REFERENCE_LANGUAGE = "en"

TEXT: dict[str, dict[str, str]] = {
    "note": {
        "es": "Gracias por compartir estos materiales con su comunidad. Para pedir más, escanee el código QR "
        "de su organización.",
        "en": "Thank you for sharing these materials with your community. To ask for more, scan your "
        "organization's QR code.",
        "fr": "Merci de partager ces documents avec votre communauté. Pour en demander davantage, scannez le "
        "code QR de votre organisation.",
        "zh": "感谢您与社区分享这些资料。如需更多资料，请扫描贵机构的二维码。",
        "ar": "شكرًا لمشاركتكم هذه المواد مع مجتمعكم. لطلب المزيد، امسحوا رمز QR الخاص بمنظمتكم.",
        "ru": "Спасибо, что делитесь этими материалами со своей общиной. Чтобы заказать ещё, отсканируйте "
        "QR-код вашей организации.",
        "bn": "আপনার সম্প্রদায়ের সাথে এই উপকরণগুলো ভাগ করে নেওয়ার জন্য ধন্যবাদ। আরও পেতে আপনার প্রতিষ্ঠানের "
        "QR কোড স্ক্যান করুন।",
        "ur": "اپنی کمیونٹی کے ساتھ یہ مواد بانٹنے کا شکریہ۔ مزید منگوانے کے لیے اپنی تنظیم کا QR کوڈ اسکین کریں۔",
        "ht": "Mèsi paske w ap pataje materyèl sa yo ak kominote w. Pou mande plis, eskane kòd QR "
        "òganizasyon w lan.",
        "yi": "אַ דאַנק פֿאַרן טיילן די מאַטעריאַלן מיט אײַער קהילה. כּדי צו בעטן מער, סקאַנירט דעם QR־קאָד "
        "פֿון אײַער אָרגאַניזאַציע.",
    },
    "slip.received_by": {
        "es": "Recibido por (nombre y firma)",
        "en": "Received by (name and signature)",
        "fr": "Reçu par (nom et signature)",
        "zh": "签收人（姓名及签名）",
        "ar": "استلمه (الاسم والتوقيع)",
        "ru": "Получил(а) (имя и подпись)",
        "bn": "গ্রহণকারী (নাম ও স্বাক্ষর)",
        "ur": "وصول کنندہ (نام اور دستخط)",
        "ht": "Resevwa pa (non ak siyati)",
        "yi": "באַקומען פֿון (נאָמען און אונטערשריפֿט)",
    },
    "slip.date": {
        "es": "Fecha",
        "en": "Date",
        "fr": "Date",
        "zh": "日期",
        "ar": "التاريخ",
        "ru": "Дата",
        "bn": "তারিখ",
        "ur": "تاریخ",
        "ht": "Dat",
        "yi": "דאַטע",
    },
    "poster.heading": {
        "es": "¿Necesita más materiales de Conozca Sus Derechos?",
        "en": "Need more Know Your Rights materials?",
        "fr": "Besoin de plus de documents « Connaissez vos droits » ?",
        "zh": "需要更多“了解您的权利”资料吗？",
        "ar": "هل تحتاجون إلى المزيد من مواد «اعرف حقوقك»؟",
        "ru": "Нужно больше материалов «Знайте свои права»?",
        "bn": "আরও “আপনার অধিকার জানুন” উপকরণ দরকার?",
        "ur": "کیا آپ کو «اپنے حقوق جانیں» کا مزید مواد چاہیے؟",
        "ht": "Ou bezwen plis materyèl « Konnen Dwa Ou »?",
        "yi": "דאַרפֿט איר מער „קענט אײַערע רעכט“ מאַטעריאַלן?",
    },
    "poster.instruction": {
        "es": "Escanee este código con la cámara de su teléfono para pedir más volantes y folletos para "
        "{organization}, en los idiomas que necesita su comunidad.",
        "en": "Scan this code with your phone's camera to request more flyers and booklets for "
        "{organization}, in the languages your community needs.",
        "fr": "Scannez ce code avec l'appareil photo de votre téléphone pour demander plus de tracts et de "
        "brochures pour {organization}, dans les langues dont votre communauté a besoin.",
        "zh": "用手机相机扫描此二维码，即可为{organization}申请更多传单和小册子，语言可按您社区的需要选择。",
        "ar": "امسحوا هذا الرمز بكاميرا هاتفكم لطلب المزيد من المنشورات والكتيبات لـ {organization}، "
        "باللغات التي يحتاجها مجتمعكم.",
        "ru": "Отсканируйте этот код камерой телефона, чтобы заказать ещё листовки и брошюры для "
        "{organization} на языках, нужных вашей общине.",
        "bn": "{organization}-এর জন্য আরও লিফলেট ও পুস্তিকা চাইতে আপনার ফোনের ক্যামেরা দিয়ে এই কোডটি স্ক্যান "
        "করুন, আপনার সম্প্রদায়ের প্রয়োজনীয় ভাষায়।",
        "ur": "{organization} کے لیے مزید پرچے اور کتابچے منگوانے کے لیے اپنے فون کے کیمرے سے یہ کوڈ اسکین "
        "کریں، ان زبانوں میں جن کی آپ کی کمیونٹی کو ضرورت ہے۔",
        "ht": "Eskane kòd sa a ak kamera telefòn ou pou mande plis feyè ak ti liv pou {organization}, nan "
        "lang kominote w la bezwen yo.",
        "yi": "סקאַנירט דעם קאָד מיט אײַער טעלעפֿאָן־קאַמערע כּדי צו בעטן מער בלעטלעך און בראָשורן פֿאַר "
        "{organization}, אין די שפּראַכן וואָס אײַער קהילה דאַרף.",
    },
    "poster.link": {
        "es": "O abra este enlace:",
        "en": "Or open this link:",
        "fr": "Ou ouvrez ce lien :",
        "zh": "或打开此链接：",
        "ar": "أو افتحوا هذا الرابط:",
        "ru": "Или откройте эту ссылку:",
        "bn": "অথবা এই লিংকটি খুলুন:",
        "ur": "یا یہ لنک کھولیں:",
        "ht": "Oswa louvri lyen sa a:",
        "yi": "אָדער עפֿנט דעם לינק:",
    },
    "poster.private": {
        "es": "Este código pertenece a su organización. Por favor, no lo comparta en las redes sociales.",
        "en": "This code belongs to your organization. Please do not share it on social media.",
        "fr": "Ce code appartient à votre organisation. Merci de ne pas le partager sur les réseaux sociaux.",
        "zh": "此二维码属于贵机构。请勿在社交媒体上分享。",
        "ar": "هذا الرمز خاص بمنظمتكم. يُرجى عدم مشاركته على وسائل التواصل الاجتماعي.",
        "ru": "Этот код принадлежит вашей организации. Пожалуйста, не публикуйте его в социальных сетях.",
        "bn": "এই কোডটি আপনার প্রতিষ্ঠানের। অনুগ্রহ করে এটি সামাজিক মাধ্যমে শেয়ার করবেন না।",
        "ur": "یہ کوڈ آپ کی تنظیم کا ہے۔ براہِ کرم اسے سوشل میڈیا پر شیئر نہ کریں۔",
        "ht": "Kòd sa a se pou òganizasyon w lan. Tanpri pa pataje l sou rezo sosyal yo.",
        "yi": "דער קאָד געהערט צו אײַער אָרגאַניזאַציע. ביטע טיילט אים נישט אין די סאָציאַלע מעדיעס.",
    },
}


def language_or_english(code: str | None) -> str:
    """One of the ten codes; anything else (an old or mistyped preference) prints in English."""
    return code if code in LANGUAGE_CODES else REFERENCE_LANGUAGE


def text(key: str, lang: str | None, /, **params: Any) -> str:
    """`key` in `lang`, formatted. Values are inserted as they are: a `{` typed in a name stays a `{`."""
    template = TEXT[key][language_or_english(lang)]
    return template.format(**params) if params else template
