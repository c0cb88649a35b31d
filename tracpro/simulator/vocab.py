"""Words the generated dataset is made of: people, places, groups and free-text answers.

Free text is real language (English, French, Kinyarwanda, Swahili, Arabic in Arabic script)
so word clouds built from it mean something.
"""

from __future__ import annotations

LANGUAGES = ["eng", "fra", "kin", "swa", "ara"]
# Share of contacts per language; the rest (about 3%) have no language set.
LANGUAGE_WEIGHTS = [0.30, 0.18, 0.30, 0.14, 0.05]

FIRST_NAMES = {
    "eng": ["John", "Mary", "Peter", "Grace", "David", "Ruth", "James", "Esther", "Paul", "Sarah", "Daniel", "Joy"],
    "fra": ["Jean", "Marie", "Pierre", "Claudine", "Emmanuel", "Josiane", "Olivier", "Aline", "Eric", "Chantal"],
    "kin": ["Uwase", "Mugisha", "Ishimwe", "Keza", "Habimana", "Uwimana", "Nshuti", "Ingabire", "Gatete", "Mutesi"],
    "swa": ["Amani", "Baraka", "Neema", "Juma", "Rehema", "Hamisi", "Zawadi", "Faraji", "Upendo", "Salim"],
    "ara": ["أحمد", "فاطمة", "محمد", "عائشة", "علي", "مريم", "حسن", "زينب", "عمر", "خديجة"],
}
LAST_NAMES = {
    "eng": ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke", "Walker", "Green"],
    "fra": ["Mugabo", "Dusabe", "Niyonsaba", "Habyarimana", "Kamanzi", "Bizimana", "Dubois", "Lefevre"],
    "kin": ["Niyonzima", "Uwamahoro", "Nsengimana", "Mukamana", "Hakizimana", "Iradukunda", "Tuyisenge"],
    "swa": ["Mwangi", "Odhiambo", "Kamau", "Wanjiru", "Otieno", "Achieng", "Mutua", "Njeri"],
    "ara": ["حسن", "الأمين", "عبد الله", "إبراهيم", "يوسف", "سليمان", "الخطيب"],
}

PLACE_SYLLABLES = ["ka", "ki", "ga", "nya", "ru", "mu", "bu", "ge", "ma", "ta", "za", "ri", "ndo", "mbe",
                   "kwa", "se", "ho", "ba", "ne", "ya", "gi", "tsi", "rwa", "mi", "si", "ko", "nda", "hu"]

REPORTER_GROUPS = ["Teachers", "Health Workers", "Farmers", "Youth Leaders", "Community Mobilizers",
                   "Market Traders", "Village Chiefs", "Nurses", "Students", "Women Leaders",
                   "Police Liaisons", "Church Leaders"]

OCCUPATIONS = ["teacher", "nurse", "farmer", "trader", "student", "driver", "tailor", "mechanic"]

# Open-ended answers: (theme -> language -> phrases).
OPEN_TEXT = {
    "problem": {
        "eng": ["We need clean water at the school", "The latrines are broken", "Not enough teachers this week",
                "Children are hungry in the morning", "The road to the clinic is flooded",
                "Books and pencils are missing", "Too many children in one classroom", "The roof leaks when it rains"],
        "fra": ["Nous avons besoin d'eau potable", "Les latrines sont cassées", "Il manque des enseignants",
                "Les enfants ont faim le matin", "La route du centre de santé est inondée",
                "Il manque des livres et des crayons", "Trop d'élèves dans la classe", "Le toit fuit quand il pleut"],
        "kin": ["Dukeneye amazi meza ku ishuri", "Ubwiherero bwarangiritse", "Abarimu ntibahagije",
                "Abana bashonje mu gitondo", "Umuhanda ujya ku kigo nderabuzima wuzuye amazi",
                "Ibitabo n'amakaramu ntibihari", "Abanyeshuri ni benshi mu ishuri rimwe", "Igisenge kiravirira"],
        "swa": ["Tunahitaji maji safi shuleni", "Vyoo vimeharibika", "Hakuna walimu wa kutosha",
                "Watoto wana njaa asubuhi", "Barabara ya kliniki imejaa maji", "Vitabu na kalamu havipo",
                "Wanafunzi wengi darasani", "Paa linavuja mvua ikinyesha"],
        "ara": ["نحتاج إلى مياه نظيفة في المدرسة", "المراحيض مكسورة", "لا يوجد عدد كاف من المعلمين",
                "الأطفال جائعون في الصباح", "الطريق إلى العيادة غارق بالمياه", "الكتب والأقلام مفقودة",
                "عدد كبير من التلاميذ في الفصل", "السقف يسرب الماء عند المطر"],
    },
    "improve": {
        "eng": ["More training for health workers", "Bring medicines every week", "Send the messages earlier",
                "Help farmers with seeds", "Build more classrooms", "Thank you, the service is good"],
        "fra": ["Plus de formation pour les agents de santé", "Apporter des médicaments chaque semaine",
                "Envoyer les messages plus tôt", "Aider les agriculteurs avec des semences",
                "Construire plus de salles de classe", "Merci, le service est bon"],
        "kin": ["Amahugurwa menshi ku bajyanama b'ubuzima", "Muzane imiti buri cyumweru",
                "Mwohereze ubutumwa kare", "Mufashe abahinzi kubona imbuto", "Mwubake ibyumba by'amashuri",
                "Murakoze, serivisi ni nziza"],
        "swa": ["Mafunzo zaidi kwa wahudumu wa afya", "Leteni dawa kila wiki", "Tumeni ujumbe mapema",
                "Wasaidieni wakulima kupata mbegu", "Jengeni madarasa zaidi", "Asante, huduma ni nzuri"],
        "ara": ["مزيد من التدريب للعاملين الصحيين", "إحضار الأدوية كل أسبوع", "أرسلوا الرسائل مبكرا",
                "ساعدوا المزارعين بالبذور", "بناء المزيد من الفصول", "شكرا، الخدمة جيدة"],
    },
}

# Answers that match no numeric case ("Other"), by language.
NOT_A_NUMBER = {
    "eng": ["I don't know", "none", "many"], "fra": ["je ne sais pas", "aucun", "beaucoup"],
    "kin": ["simbizi", "nta na kimwe", "benshi"], "swa": ["sijui", "hakuna", "wengi"],
    "ara": ["لا أعرف", "لا شيء", "كثير"],
}
# "About N" phrasing around a number, by language.
ABOUT = {"eng": "about {}", "fra": "environ {}", "kin": "hafi {}", "swa": "karibu {}", "ara": "حوالي {}"}

INBOX_TEXT = {
    "eng": ["Hello, when is the next meeting?", "Please call me", "Thank you for the information",
            "STOP", "We have a problem with the water pump", "Is there training next week?"],
    "fra": ["Bonjour, quand est la prochaine réunion ?", "Appelez-moi s'il vous plaît", "Merci pour l'information",
            "Nous avons un problème avec la pompe", "Y a-t-il une formation la semaine prochaine ?"],
    "kin": ["Muraho, inama itaha ni ryari?", "Mumpamagare", "Murakoze ku makuru", "Dufite ikibazo cya pompe"],
    "swa": ["Habari, mkutano ujao ni lini?", "Tafadhali nipigie", "Asante kwa taarifa", "Pampu ya maji imeharibika"],
    "ara": ["مرحبا، متى الاجتماع القادم؟", "من فضلك اتصل بي", "شكرا على المعلومات", "لدينا مشكلة في مضخة الماء"],
}
