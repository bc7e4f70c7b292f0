"""The bot's own words in English, Russian and Ukrainian, chosen by the user's language.
Answers themselves keep the language of their sources."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

TEXTS: Mapping[str, dict[str, str]] = MappingProxyType({
    "en": {
        "start": "Hi! I answer questions about the news, with citations you can check. "
        "Ask me anything, e.g. <i>Who leads the coalition?</i>",
        "help": "Ask a question in this chat. In a group, mention me, reply to me, or use /ask. "
        "In any chat, type @{bot} and your question.\n\n"
        "/timeline words — how a story unfolded; /compare words — how the outlets tell it\n"
        "/digest HH:MM Timezone [topic] — a daily digest here (group admins)\n"
        "/follow words — new articles about these words; /following; /unfollow [words]\n"
        "/outlets — where my news comes from; /privacy — what I keep; /forget — delete it",
        "help_admin": "Admins: /addsource URL [interval], /sources, /disable ID, /enable ID, /removesource ID, /ingest, /stats, /votes",
        "quota_inline": "Too many questions this hour: try again in {minutes} min",
        "privacy": "What I keep: your questions and my answers (for the buttons under them and "
        "follow-ups), your 👍/👎, the topics a chat follows and its digest, and the chat's name and "
        "language. For the hourly limit, how many questions you asked this hour, under a code made from "
        "your id, deleted when the hour ends. I keep no phone numbers or contacts. /forget deletes your "
        "questions, votes and, in a private chat, its follows (not this hour's count).",
        "forgotten": "Deleted: {answers} question(s) with their answers and votes, {follows} followed topic(s).",
        "outlets": "Where my news comes from:",
        "outlets_none": "I have no sources yet.",
        "cmd_outlets": "Where Lede's news comes from",
        "cmd_privacy": "What Lede keeps about you",
        "cmd_forget": "Delete your questions and votes",
        "addsource_usage": "Use: /addsource URL [interval, e.g. 30m, 2h, 1d]",
        "source_added": "Added source #{id} ({kind}): {name}",
        "source_had": "Already had source #{id} ({kind}): {name}",
        "sources_none": "No sources yet. Add one: /addsource URL",
        "id_usage": "Use: /{command} ID (see /sources)",
        "source_removed": "Removed source #{id} ({url}) and its {articles} articles.",
        "source_disabled": "Source #{id} is disabled: it is not fetched until /enable {id}.",
        "source_enabled": "Source #{id} is enabled: it is fetched on the next run.",
        "fetching": "Fetching sources…",
        "fetching_progress": "Fetching sources… {done}/{total}",
        "fetch_none": "No sources to fetch. Add one: /addsource URL",
        "fetch_done": "Done: {total} sources, {failed} failed.",
        "stats": "Sources: {sources}\nArticles: {articles}\nPassages: {passages}\nVectors: {vectors}\nIndex agrees with database: {in_sync}",
        "yes": "yes",
        "no": "no",
        "following": "This chat follows:",
        "following_none": "This chat follows nothing. Use: /follow words",
        "unfollowed_one": "Stopped following “{words}”.",
        "votes": "Recent 👎 and their questions:",
        "votes_none": "No 👎 yet.",
        "latest_is_old": "The latest article I have on this is from {date}.",
        "figures_or": "Sources differ: {figures}",
        "figures_or_join": " or ",
        "figures_up": "{latest}, up from {earlier}",
        "figures_down": "{latest}, down from {earlier}",
        "figures_after": "{latest}, after {earlier}",
        "not_found": "I did not find an answer to that in my sources.",
        "not_found_on": "I have no articles from {days} on that.",
        "closest": "Closest articles:",
        "sources": "Sources",
        "answer": "Answer",
        "thanks": "Thanks for the feedback!",
        "admins_only": "Sorry, only Lede's admins can do that.",
        "chat_admins_only": "Sorry, only this chat's admins can set its digest.",
        "chat_admins_alerts": "Sorry, only this chat's admins can change its alerts.",
        "quota": "You have asked a lot of questions this hour. Please try again in {minutes} min.",
        "busy": "I am still answering your previous question: ask the next one when it is here.",
        "error": "Sorry, something went wrong. Please try again later.",
        "ask_usage": "Ask like this: /ask Who leads the coalition?",
        "empty": "My knowledge base is empty: an admin can add sources with /addsource URL.",
        "cmd_ask": "Ask a question about the news",
        "cmd_help": "How to use Lede",
        "cmd_digest": "Daily digest in this chat",
        "cmd_follow": "Alerts about a topic",
        "cmd_unfollow": "Stop topic alerts",
        "digest_set": "Digest set: every day at {time} ({tz}){topic}.",
        "digest_off": "Digest turned off.",
        "digest_none": "No digest is set here.",
        "digest_empty": "Nothing new since the last digest.",
        "digest_usage": "Use: /digest 08:00 Europe/Kyiv [topic words], /digest off or /digest now.",
        "digest_title": "News digest",
        "follow_set": "Following “{words}”: new articles about it will come here.",
        "follow_usage": "Use: /follow words",
        "unfollowed": "Stopped following {count} topic(s).",
        "alert": "New on “{words}”:",
        "link_others": "Other outlets on this story:",
        "link_alone": "No other outlet in my sources tells this story yet.",
        "link_related": "What other outlets in my sources reported near it, in time and subject:",
        "link_failed": "I could not read that link: {reason}",
        "timeline": "Timeline",
        "coverage": "Coverage",
        "more": "More",
        "timeline_title": "Timeline: {title}",
        "timeline_usage": "Use: /timeline words, e.g. /timeline hurricane Ian",
        "story_none": "I found no story about that in my sources.",
        "story_single": "Only one article tells this story in my sources so far:",
        "first_seen": "first seen",
        "compare_title": "How the outlets tell it: {title}",
        "compare_usage": "Use: /compare words, e.g. /compare hurricane Ian",
        "compare_single": "Only {outlet} covers this story in my sources, so there is nothing to compare.",
        "compare_carried": "Also carried, word for word, by: {copies}",
        "compare_shared": "Reported by more than one outlet:",
        "compare_own": "Reported by one outlet only:",
        "compare_differ": "Where their figures differ:",
        "compare_nothing": "Their sentences do not line up closely enough to compare point by point.",
        "cmd_timeline": "How a story unfolded, day by day",
        "cmd_compare": "Where outlets agree and differ on a story",
    },
    "ru": {
        "start": "Привет! Я отвечаю на вопросы о новостях со ссылками на источники. "
        "Спросите, например: <i>Who leads the coalition?</i>",
        "help": "Задайте вопрос в этом чате. В группе упомяните меня, ответьте на моё сообщение или "
        "используйте /ask. В любом чате наберите @{bot} и вопрос.\n\n"
        "/timeline слова — как развивалась история; /compare слова — как о ней пишут СМИ\n"
        "/digest ЧЧ:ММ Часовой_пояс [тема] — ежедневная сводка (админы группы)\n"
        "/follow слова — новые статьи по теме; /following; /unfollow [слова]\n"
        "/outlets — откуда мои новости; /privacy — что я храню; /forget — удалить это",
        "help_admin": "Админы: /addsource URL [интервал], /sources, /disable ID, /enable ID, /removesource ID, /ingest, /stats, /votes",
        "quota_inline": "Слишком много вопросов за час: попробуйте через {minutes} мин",
        "privacy": "Что я храню: ваши вопросы и мои ответы (для кнопок под ними и уточняющих "
        "вопросов), ваши 👍/👎, темы, на которые подписан чат, и его сводку, а также название и язык "
        "чата. Для часового лимита — сколько вопросов вы задали за этот час, под кодом из вашего id; он "
        "удаляется, когда час кончается. Номера телефонов и контакты я не храню. /forget удаляет ваши "
        "вопросы, оценки и, в личном чате, его подписки (но не счёт этого часа).",
        "forgotten": "Удалено: вопросов с ответами и оценками — {answers}, подписок — {follows}.",
        "outlets": "Откуда мои новости:",
        "outlets_none": "Источников пока нет.",
        "cmd_outlets": "Откуда новости Lede",
        "cmd_privacy": "Что Lede хранит о вас",
        "cmd_forget": "Удалить ваши вопросы и оценки",
        "addsource_usage": "Формат: /addsource URL [интервал, например 30m, 2h, 1d]",
        "source_added": "Источник #{id} добавлен ({kind}): {name}",
        "source_had": "Источник #{id} уже есть ({kind}): {name}",
        "sources_none": "Источников пока нет. Добавьте: /addsource URL",
        "id_usage": "Формат: /{command} ID (см. /sources)",
        "source_removed": "Источник #{id} ({url}) удалён вместе со статьями: {articles}.",
        "source_disabled": "Источник #{id} отключён: он не загружается до /enable {id}.",
        "source_enabled": "Источник #{id} включён: он загрузится при следующем проходе.",
        "fetching": "Загружаю источники…",
        "fetching_progress": "Загружаю источники… {done}/{total}",
        "fetch_none": "Загружать нечего. Добавьте источник: /addsource URL",
        "fetch_done": "Готово: источников {total}, с ошибкой {failed}.",
        "stats": "Источники: {sources}\nСтатьи: {articles}\nФрагменты: {passages}\nВекторы: {vectors}\nИндекс совпадает с базой: {in_sync}",
        "yes": "да",
        "no": "нет",
        "following": "Этот чат подписан на:",
        "following_none": "Этот чат ни на что не подписан. Формат: /follow слова",
        "unfollowed_one": "Подписка на «{words}» отменена.",
        "votes": "Последние 👎 и их вопросы:",
        "votes_none": "👎 пока нет.",
        "latest_is_old": "Самая свежая статья об этом у меня от {date}.",
        "figures_or": "Источники расходятся: {figures}",
        "figures_or_join": " или ",
        "figures_up": "{latest}, больше, чем {earlier}",
        "figures_down": "{latest}, меньше, чем {earlier}",
        "figures_after": "{latest}, после {earlier}",
        "not_found": "Я не нашёл ответа на это в своих источниках.",
        "not_found_on": "У меня нет статей об этом за {days}.",
        "closest": "Ближайшие статьи:",
        "sources": "Источники",
        "answer": "Ответ",
        "thanks": "Спасибо за отзыв!",
        "admins_only": "Извините, это могут делать только администраторы Lede.",
        "chat_admins_only": "Извините, сводку настраивают только администраторы этого чата.",
        "chat_admins_alerts": "Извините, уведомления этого чата меняют только его администраторы.",
        "quota": "Вы задали много вопросов за этот час. Попробуйте через {minutes} мин.",
        "busy": "Я ещё отвечаю на ваш предыдущий вопрос: задайте следующий, когда придёт ответ.",
        "error": "Извините, что-то пошло не так. Попробуйте позже.",
        "ask_usage": "Спросите так: /ask Кто возглавляет коалицию?",
        "empty": "База знаний пуста: администратор может добавить источники командой /addsource URL.",
        "cmd_ask": "Задать вопрос о новостях",
        "cmd_help": "Как пользоваться Lede",
        "cmd_digest": "Ежедневная сводка в этом чате",
        "cmd_follow": "Уведомления по теме",
        "cmd_unfollow": "Отключить уведомления",
        "digest_set": "Сводка настроена: каждый день в {time} ({tz}){topic}.",
        "digest_off": "Сводка отключена.",
        "digest_none": "Сводка здесь не настроена.",
        "digest_empty": "Ничего нового с прошлой сводки.",
        "digest_usage": "Формат: /digest 08:00 Europe/Kyiv [слова темы], /digest off или /digest now.",
        "digest_title": "Сводка новостей",
        "follow_set": "Слежу за «{words}»: новые статьи будут приходить сюда.",
        "follow_usage": "Формат: /follow слова",
        "unfollowed": "Отписано от тем: {count}.",
        "alert": "Новое по теме «{words}»:",
        "link_others": "Другие издания об этой истории:",
        "link_alone": "Других изданий об этой истории в моих источниках пока нет.",
        "link_related": "Что другие издания в моих источниках писали рядом по времени и теме:",
        "link_failed": "Не удалось прочитать ссылку: {reason}",
        "timeline": "Хронология",
        "coverage": "Как пишут СМИ",
        "more": "Ещё",
        "timeline_title": "Хронология: {title}",
        "timeline_usage": "Формат: /timeline слова, например /timeline hurricane Ian",
        "story_none": "В моих источниках нет истории об этом.",
        "story_single": "Пока эту историю рассказывает только одна статья:",
        "first_seen": "впервые замечено",
        "compare_title": "Как об этом пишут СМИ: {title}",
        "compare_usage": "Формат: /compare слова, например /compare hurricane Ian",
        "compare_single": "Эту историю в моих источниках освещает только {outlet}, сравнивать не с чем.",
        "compare_carried": "Слово в слово перепечатали: {copies}",
        "compare_shared": "Сообщают несколько изданий:",
        "compare_own": "Сообщает только одно издание:",
        "compare_differ": "Где расходятся цифры:",
        "compare_nothing": "Их предложения не совпадают настолько, чтобы сравнить по пунктам.",
        "cmd_timeline": "Как развивалась история, по дням",
        "cmd_compare": "В чём СМИ сходятся и расходятся",
    },
    "uk": {
        "start": "Привіт! Я відповідаю на питання про новини з посиланнями на джерела. "
        "Запитайте, наприклад: <i>Who leads the coalition?</i>",
        "help": "Поставте питання в цьому чаті. У групі згадайте мене, дайте відповідь на моє "
        "повідомлення або скористайтеся /ask. У будь-якому чаті наберіть @{bot} і питання.\n\n"
        "/timeline слова — як розвивалася історія; /compare слова — як про неї пишуть ЗМІ\n"
        "/digest ГГ:ХХ Часовий_пояс [тема] — щоденний дайджест (адміни групи)\n"
        "/follow слова — нові статті за темою; /following; /unfollow [слова]\n"
        "/outlets — звідки мої новини; /privacy — що я зберігаю; /forget — видалити це",
        "help_admin": "Адміни: /addsource URL [інтервал], /sources, /disable ID, /enable ID, /removesource ID, /ingest, /stats, /votes",
        "quota_inline": "Забагато питань за годину: спробуйте за {minutes} хв",
        "privacy": "Що я зберігаю: ваші питання і мої відповіді (для кнопок під ними й уточнень), "
        "ваші 👍/👎, теми, на які підписаний чат, і його дайджест, а також назву й мову чату. Для "
        "годинного ліміту — скільки питань ви поставили за цю годину, під кодом із вашого id; його "
        "видаляю, коли година минає. Номерів телефонів і контактів я не зберігаю. /forget видаляє ваші "
        "питання, оцінки і, в особистому чаті, його підписки (але не лік цієї години).",
        "forgotten": "Видалено: питань із відповідями й оцінками — {answers}, підписок — {follows}.",
        "outlets": "Звідки мої новини:",
        "outlets_none": "Джерел поки немає.",
        "cmd_outlets": "Звідки новини Lede",
        "cmd_privacy": "Що Lede зберігає про вас",
        "cmd_forget": "Видалити ваші питання й оцінки",
        "addsource_usage": "Формат: /addsource URL [інтервал, наприклад 30m, 2h, 1d]",
        "source_added": "Джерело #{id} додано ({kind}): {name}",
        "source_had": "Джерело #{id} вже є ({kind}): {name}",
        "sources_none": "Джерел поки немає. Додайте: /addsource URL",
        "id_usage": "Формат: /{command} ID (див. /sources)",
        "source_removed": "Джерело #{id} ({url}) видалено разом зі статтями: {articles}.",
        "source_disabled": "Джерело #{id} вимкнено: воно не завантажується до /enable {id}.",
        "source_enabled": "Джерело #{id} увімкнено: воно завантажиться під час наступного проходу.",
        "fetching": "Завантажую джерела…",
        "fetching_progress": "Завантажую джерела… {done}/{total}",
        "fetch_none": "Нічого завантажувати. Додайте джерело: /addsource URL",
        "fetch_done": "Готово: джерел {total}, з помилкою {failed}.",
        "stats": "Джерела: {sources}\nСтатті: {articles}\nФрагменти: {passages}\nВектори: {vectors}\nІндекс збігається з базою: {in_sync}",
        "yes": "так",
        "no": "ні",
        "following": "Цей чат стежить за:",
        "following_none": "Цей чат ні за чим не стежить. Формат: /follow слова",
        "unfollowed_one": "Більше не стежу за «{words}».",
        "votes": "Останні 👎 та їхні питання:",
        "votes_none": "👎 поки немає.",
        "latest_is_old": "Найсвіжіша стаття про це в мене від {date}.",
        "figures_or": "Джерела розходяться: {figures}",
        "figures_or_join": " або ",
        "figures_up": "{latest}, більше, ніж {earlier}",
        "figures_down": "{latest}, менше, ніж {earlier}",
        "figures_after": "{latest}, після {earlier}",
        "not_found": "Я не знайшов відповіді на це у своїх джерелах.",
        "not_found_on": "У мене немає статей про це за {days}.",
        "closest": "Найближчі статті:",
        "sources": "Джерела",
        "answer": "Відповідь",
        "thanks": "Дякую за відгук!",
        "admins_only": "Вибачте, це можуть робити лише адміністратори Lede.",
        "chat_admins_only": "Вибачте, дайджест налаштовують лише адміністратори цього чату.",
        "chat_admins_alerts": "Вибачте, сповіщення цього чату змінюють лише його адміністратори.",
        "quota": "Ви поставили багато питань за цю годину. Спробуйте за {minutes} хв.",
        "busy": "Я ще відповідаю на ваше попереднє питання: поставте наступне, коли прийде відповідь.",
        "error": "Вибачте, щось пішло не так. Спробуйте пізніше.",
        "ask_usage": "Запитайте так: /ask Хто очолює коаліцію?",
        "empty": "База знань порожня: адміністратор може додати джерела командою /addsource URL.",
        "cmd_ask": "Поставити питання про новини",
        "cmd_help": "Як користуватися Lede",
        "cmd_digest": "Щоденний дайджест у цьому чаті",
        "cmd_follow": "Сповіщення за темою",
        "cmd_unfollow": "Вимкнути сповіщення",
        "digest_set": "Дайджест налаштовано: щодня о {time} ({tz}){topic}.",
        "digest_off": "Дайджест вимкнено.",
        "digest_none": "Дайджест тут не налаштовано.",
        "digest_empty": "Нічого нового з минулого дайджесту.",
        "digest_usage": "Формат: /digest 08:00 Europe/Kyiv [слова теми], /digest off або /digest now.",
        "digest_title": "Дайджест новин",
        "follow_set": "Стежу за «{words}»: нові статті надходитимуть сюди.",
        "follow_usage": "Формат: /follow слова",
        "unfollowed": "Відписано від тем: {count}.",
        "alert": "Нове за темою «{words}»:",
        "link_others": "Інші видання про цю історію:",
        "link_alone": "Інших видань про цю історію в моїх джерелах поки немає.",
        "link_related": "Що інші видання в моїх джерелах писали поруч за часом і темою:",
        "link_failed": "Не вдалося прочитати посилання: {reason}",
        "timeline": "Хронологія",
        "coverage": "Як пишуть ЗМІ",
        "more": "Ще",
        "timeline_title": "Хронологія: {title}",
        "timeline_usage": "Формат: /timeline слова, наприклад /timeline hurricane Ian",
        "story_none": "У моїх джерелах немає історії про це.",
        "story_single": "Поки що цю історію розповідає лише одна стаття:",
        "first_seen": "вперше помічено",
        "compare_title": "Як про це пишуть ЗМІ: {title}",
        "compare_usage": "Формат: /compare слова, наприклад /compare hurricane Ian",
        "compare_single": "Цю історію в моїх джерелах висвітлює лише {outlet}, порівнювати нема з чим.",
        "compare_carried": "Слово в слово передрукували: {copies}",
        "compare_shared": "Повідомляють кілька видань:",
        "compare_own": "Повідомляє лише одне видання:",
        "compare_differ": "Де розходяться цифри:",
        "compare_nothing": "Їхні речення не збігаються настільки, щоб порівняти по пунктах.",
        "cmd_timeline": "Як розвивалася історія, по днях",
        "cmd_compare": "У чому ЗМІ сходяться і розходяться",
    },
})
LANGUAGES = tuple(TEXTS)
PUBLIC_COMMANDS = ("ask", "timeline", "compare", "help", "digest", "follow", "unfollow", "outlets", "privacy",
                   "forget")


def language_of(code: str | None) -> str:
    """Return the supported language for a Telegram language_code (English by default)."""
    base = (code or "en").split("-")[0].lower()
    return base if base in TEXTS else "en"


def not_found(searched_days: tuple[date, date] | None, code: str | None = None) -> str:
    """Return "I did not find an answer", naming the days searched when the question named a time."""
    if searched_days is None:
        return t("not_found", code)
    first, last = searched_days
    days = first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"
    return t("not_found_on", code, days=days)


def t(key: str, code: str | None = None, **values: object) -> str:
    """Return the text `key` in the language of `code`, filled with `values`."""
    text = TEXTS[language_of(code)].get(key) or TEXTS["en"][key]
    return text.format(**values) if values else text
