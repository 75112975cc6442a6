"""Recognise a question not in English, and answer it in its language where that is known.

Questions are read in English only; one in another language gets a plain note saying so.
"""

from __future__ import annotations

import unicodedata

from newsbot.core.types import Answer
from newsbot.retrieval.question.chat import FUNCTION_WORDS, WORDS

__all__ = ["ENGLISH_ONLY", "language", "not_english"]

# Common function words of each language, chosen to be rare as English words.
_PROFILES = {
    "es": "a el la los las de del en y que qué por para con es son fue una un cuál cuáles cuándo "
    "dónde quién quiénes cómo cuántos cuántas cuánto se lo al sobre pero más este esta ha han "
    "hay entre",
    "fr": "a le la les des du de est et une un qui que quel quelle quels quelles où quand comment "
    "pourquoi combien dans pour sur avec au aux été ont il elle ce cette pas sont était ils",
    "de": "der die das und ist wer wie wo wann warum welche welcher welches ein eine einen den "
    "dem des mit von für auf im nicht hat wurde zu sich auch wieviel viele sind",
    "it": "a il lo la gli le che chi di del della è e un una per con quando dove come perché "
    "quanti quante quale sono ha nel nella stato stata cosa",
    "pt": "a o os as que quem de do da dos das em no na é um uma para com quando onde como "
    "porque quantos quantas qual foi são não ao",
    "nl": "de het een en is wie wat waar wanneer waarom hoe welke van voor met op niet zijn "
    "heeft werd hoeveel dat die",
}
_PROFILE_WORDS = {lang: frozenset(words.split()) for lang, words in _PROFILES.items()}
_ACCENTS = {"es": "ñ¿¡áíóú", "fr": "çàâêèëîïôûœ", "de": "äöüß", "it": "àèìòù", "pt": "ãõçâêô"}
_SCRIPTS = {
    "CYRILLIC": "ru",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "ARABIC": "ar",
}
ENGLISH_ONLY = {
    "en": "I can only read questions in English, so I can't answer this one. "
    "Please ask it again in English.",
    "es": "Solo puedo leer preguntas en inglés, así que no puedo responder a esta. "
    "Por favor, hágala de nuevo en inglés.",
    "fr": "Je ne lis que les questions en anglais, je ne peux donc pas répondre à celle-ci. "
    "Merci de la reposer en anglais.",
    "de": "Ich kann nur Fragen auf Englisch lesen und diese daher nicht beantworten. "
    "Bitte stellen Sie sie noch einmal auf Englisch.",
    "it": "Posso leggere solo domande in inglese, quindi non posso rispondere a questa. "
    "Per favore, riformulala in inglese.",
    "pt": "Só consigo ler perguntas em inglês, por isso não posso responder a esta. "
    "Por favor, faça-a novamente em inglês.",
    "nl": "Ik kan alleen vragen in het Engels lezen, dus deze kan ik niet beantwoorden. "
    "Stel hem alstublieft opnieuw in het Engels.",
    "ru": "Я читаю вопросы только на английском, поэтому не могу ответить на этот. "
    "Пожалуйста, задайте его по-английски.",
    "zh": "我只能阅读英文问题，所以无法回答这个问题。请用英文再问一次。",
    "ja": "英語の質問しか読めないため、この質問にはお答えできません。"
    "英語でもう一度質問してください。",
    "ko": "영어로 된 질문만 읽을 수 있어 이 질문에는 답할 수 없습니다. 영어로 다시 질문해 주세요.",
    "ar": "لا أستطيع قراءة الأسئلة إلا باللغة الإنجليزية، لذا لا يمكنني الإجابة عن هذا السؤال. "
    "يُرجى طرحه مرة أخرى باللغة الإنجليزية.",
}


def _script_language(text: str) -> str | None:
    """The language a question's letters name by their script, when most are not Latin."""
    counts: dict[str, int] = {}
    letters = 0
    for ch in text:
        if not ch.isalpha():
            continue
        letters += 1
        name = unicodedata.name(ch, "")
        if name.startswith("LATIN"):
            continue
        script = next((s for s in _SCRIPTS if name.startswith(s)), "other")
        counts[script] = counts.get(script, 0) + 1
    foreign = sum(counts.values())
    if not letters or foreign * 2 <= letters:
        return None
    if counts.get("HIRAGANA") or counts.get("KATAKANA"):
        return "ja"  # Japanese writes kanji (CJK) beside kana
    script = max(counts, key=lambda s: counts[s])
    return _SCRIPTS.get(script, "other")


def language(question: str) -> str:
    """Guess a question's language: "en", a code of ENGLISH_ONLY, or "other"."""
    by_script = _script_language(question)
    if by_script:
        return by_script
    words = [w.lower().replace("’", "'") for w in WORDS.findall(question)]
    # Capitalised words past the first are mostly names ("Los Angeles", "De Beers").
    plain = [w for i, w in enumerate(WORDS.findall(question)) if i == 0 or not w[:1].isupper()]
    plain = [w.lower() for w in plain]
    if not words:
        return "en"
    scores, englishes = {}, {}
    for lang, profile in _PROFILE_WORDS.items():
        # Words both languages have ("a", "do", "die") count for neither.
        hits = sum(w in profile and w not in FUNCTION_WORDS for w in plain)
        english = sum(w in FUNCTION_WORDS and w not in profile for w in plain)
        accents = sum(ch in _ACCENTS.get(lang, "") for ch in question.lower())
        scores[lang] = hits + 0.5 * min(accents, 4)
        englishes[lang] = english
    best = max(scores, key=lambda lang: scores[lang])
    if (
        scores[best] >= 2
        and scores[best] > 2 * englishes[best]
        and scores[best] >= 0.25 * len(plain)
    ):
        return best
    return "en"


def not_english(question: str) -> Answer | None:
    """A refusal, in the question's language where known, for a question not in English."""
    lang = language(question)
    if lang == "en":
        return None
    text = ENGLISH_ONLY.get(lang, ENGLISH_ONLY["en"])
    if lang in ENGLISH_ONLY:
        text = f"{text}\n{ENGLISH_ONLY['en']}"
    return Answer(text=text, citations=[], refused=True)
