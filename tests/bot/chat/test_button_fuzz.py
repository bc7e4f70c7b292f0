"""Hypothesis throws generated button data at the check every button press passes: a press acts
only when its data is one the bot made for the answer it names, pressed where that answer is (its
chat, or for an inline answer anywhere, with the bot's signature); what the bot made always acts."""

from hypothesis import given
from hypothesis import strategies as st

from bot.chat.buttons import BUTTON, keyboard, pressed
from bot.state.tables import AnswerRecord

SECRET = "123456:TEST"
ANSWER = 7

data = st.one_of(
    st.text(max_size=64),
    st.builds(lambda kind, answer, arg, sig: f"{kind}:{answer}{arg}{sig}",
              st.sampled_from(["src", "ans", "fb", "tl", "cv", "xx"]), st.sampled_from([ANSWER, 8, 0, 10**18]),
              st.sampled_from(["", ":1", ":-1", ":0", ":101", ":x"]),
              st.one_of(st.just(""), st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789_-~", max_size=13).map(
                  lambda s: "~" + s))),
)


def _made(record: AnswerRecord) -> set[str]:
    signed = SECRET if record.chat_id is None else None
    return {button.callback_data for showing in (False, True) for row in
            keyboard(record.id, "en", showing_sources=showing, story=record.chat_id is not None,
                     secret=signed).inline_keyboard for button in row}


@given(data, st.one_of(st.none(), st.sampled_from([-100500, 2002])), st.sampled_from([None, -100500, 2002]),
       st.booleans())
def test_fuzz_a_button_acts_only_where_its_answer_is(pressed_data, answer_chat, press_chat, inline) -> None:
    record = AnswerRecord(id=ANSWER, chat_id=answer_chat)
    made = _made(record)
    button = pressed(pressed_data, record, chat_id=None if inline else press_chat, inline=inline, secret=SECRET)
    if button is not None:
        if answer_chat is None:
            assert inline and pressed_data in made  # signed by the bot, for this answer
        else:
            assert not inline and press_chat == answer_chat
            unsigned = pressed_data.split("~")[0]
            assert unsigned in made or BUTTON.fullmatch(unsigned)["kind"] in ("tl", "cv")  # story pages
    where = {"chat_id": None, "inline": True} if answer_chat is None else {"chat_id": answer_chat, "inline": False}
    assert all(pressed(made_data, record, secret=SECRET, **where) is not None for made_data in made)
