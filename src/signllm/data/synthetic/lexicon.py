"""Per-language word lists of the synthetic corpus: real words of each spoken language, by role.

An entry is ``"lemma/surface"`` when the written form differs from the gloss lemma (verbs, Korean
adjectives), otherwise the surface itself, whose last word is the lemma (``"the teacher"`` -> teacher).
Nouns carry their definite article where the language has one. Swiss German (dsgs) shares the German
words in Swiss spelling (no ß); its signs still differ from German Sign Language because signs are drawn
per language and gloss (see signs.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    lemma: str  # the gloss is made from this
    surface: str  # as written in the sentence


@dataclass(frozen=True)
class Lexicon:
    """The words of one sign language's corpus, grouped by grammatical role."""

    code: str
    spoken: str  # ISO 639-1 code of the spoken language
    times: tuple[Word, ...]
    subjects: tuple[Word, ...]  # people and animals
    objects: tuple[Word, ...]  # things
    transitive: tuple[Word, ...]
    intransitive: tuple[Word, ...]
    adjectives: tuple[Word, ...]

    def upper(self, text: str) -> str:
        """Upper case in the spoken language's rules (Turkish i -> İ)."""
        return (text.replace("i", "İ") if self.spoken == "tr" else text).upper()

    def gloss(self, word: Word) -> str:
        """Gloss of a word: its upper-cased lemma."""
        return self.upper(word.lemma)

    @property
    def words(self) -> tuple[Word, ...]:
        return self.times + self.subjects + self.objects + self.transitive + self.intransitive + self.adjectives


def _word(entry: str) -> Word:
    lemma, _, surface = entry.partition("/")
    return Word(lemma, surface) if surface else Word(entry.split()[-1], entry)


def _lexicon(code: str, spoken: str, *groups: str, spelling: dict[str, str] | None = None) -> Lexicon:
    """A lexicon from six ``;``-separated groups of entries, in the order of the Lexicon fields."""

    def respell(entry: str) -> str:
        for old, new in (spelling or {}).items():
            entry = entry.replace(old, new)
        return entry

    return Lexicon(code, spoken, *(tuple(_word(respell(e.strip())) for e in group.split(";")) for group in groups))


ENGLISH = (
    "today; tomorrow; yesterday; now; soon",
    "the teacher; the mother; the father; the child; the doctor; the friend; the dog; the cat",
    "the apple; the book; the house; the car; the water; the bread; the letter; the ball; the flower; the coffee",
    "buy/buys; see/sees; want/wants; eat/eats; read/reads; love/loves; bring/brings; find/finds",
    "sleep/sleeps; come/comes; go/goes; laugh/laughs; work/works; wait/waits",
    "big; small; new; old; red; green; beautiful; good",
)
GERMAN = (
    "heute; morgen; gestern; jetzt; bald",
    "der Lehrer; die Mutter; der Vater; das Kind; die Ärztin; der Freund; der Hund; die Katze",
    "der Apfel; das Buch; das Haus; das Auto; das Wasser; das Brot; der Brief; der Ball; die Blume; der Kaffee",
    "kaufen/kauft; sehen/sieht; wollen/will; essen/isst; lesen/liest; lieben/liebt; bringen/bringt; finden/findet",
    "schlafen/schläft; kommen/kommt; gehen/geht; lachen/lacht; arbeiten/arbeitet; warten/wartet",
    "groß; klein; neu; alt; rot; grün; schön; gut",
)
FRENCH = (
    "aujourd'hui; demain; hier; maintenant; bientôt",
    "le professeur; la mère; le père; le garçon; le médecin; la copine; le chien; le chat",
    "la pomme; le livre; la maison; la voiture; le lait; le pain; la lettre; le ballon; la fleur; le café",
    "acheter/achète; voir/voit; vouloir/veut; manger/mange; lire/lit; aimer/aime; apporter/apporte; trouver/trouve",
    "dormir/dort; venir/vient; partir/part; rire/rit; travailler/travaille; attendre/attend",
    "rouge; vert; noir; bleu; rapide; lourd; chaud; froid",
)
ITALIAN = (
    "oggi; domani; ieri; adesso; presto",
    "il maestro; la madre; il padre; il bambino; il medico; la sorella; il cane; il gatto",
    "la mela; il libro; la casa; la macchina; il latte; il pane; la lettera; il pallone; il fiore; il caffè",
    "comprare/compra; vedere/vede; volere/vuole; mangiare/mangia; leggere/legge; amare/ama; portare/porta; trovare/trova",
    "dormire/dorme; venire/viene; andare/va; ridere/ride; lavorare/lavora; aspettare/aspetta",
    "rosso; verde; nero; nuovo; vecchio; grande; piccolo; caldo",
)
SPANISH = (
    "hoy; mañana; ayer; ahora; pronto",
    "el maestro; la madre; el padre; el niño; el médico; la amiga; el perro; el gato",
    "la manzana; el libro; la casa; el auto; la leche; el pan; la carta; la pelota; la flor; el café",
    "comprar/compra; ver/ve; querer/quiere; comer/come; leer/lee; amar/ama; traer/trae; encontrar/encuentra",
    "dormir/duerme; venir/viene; ir/va; reír/ríe; trabajar/trabaja; esperar/espera",
    "rojo; verde; negro; nuevo; viejo; grande; pequeño; bonito",
)
KOREAN = (
    "오늘; 내일; 어제; 지금; 곧",
    "선생님; 어머니; 아버지; 아이; 의사; 친구; 개; 고양이",
    "사과; 책; 집; 자동차; 물; 빵; 편지; 공; 꽃; 커피",
    "사다/사요; 보다/봐요; 원하다/원해요; 먹다/먹어요; 읽다/읽어요; 사랑하다/사랑해요; 가져오다/가져와요; 찾다/찾아요",
    "자다/자요; 오다/와요; 가다/가요; 웃다/웃어요; 일하다/일해요; 기다리다/기다려요",
    "크다/큰; 작다/작은; 새롭다/새로운; 오래되다/오래된; 빨갛다/빨간; 예쁘다/예쁜; 좋다/좋은; 맛있다/맛있는",
)
TURKISH = (
    "bugün; yarın; dün; şimdi; sonra",
    "öğretmen; anne; baba; çocuk; doktor; arkadaş; köpek; kedi",
    "elma; kitap; ev; araba; su; ekmek; mektup; top; çiçek; kahve",
    "almak/alır; görmek/görür; istemek/ister; yemek/yer; okumak/okur; sevmek/sever; getirmek/getirir; bulmak/bulur",
    "uyumak/uyur; gelmek/gelir; gitmek/gider; gülmek/güler; çalışmak/çalışır; beklemek/bekler",
    "büyük; küçük; yeni; eski; kırmızı; yeşil; güzel; iyi",
)

LEXICONS: dict[str, Lexicon] = {
    lexicon.code: lexicon
    for lexicon in (
        _lexicon("asl", "en", *ENGLISH),
        _lexicon("gsl", "de", *GERMAN),
        _lexicon("dsgs", "de", *GERMAN, spelling={"ß": "ss"}),
        _lexicon("lsf_ch", "fr", *FRENCH),
        _lexicon("lis_ch", "it", *ITALIAN),
        _lexicon("lsa", "es", *SPANISH),
        _lexicon("ksl", "ko", *KOREAN),
        _lexicon("tsl", "tr", *TURKISH),
    )
}
LANGUAGES = tuple(LEXICONS)
