"""Action, block and view ids shared by the renderer and the listeners (one place, no literals)."""

from __future__ import annotations

import re

# Poll message (channel) and reminder DMs
# one-click option button; value "<poll_id>:<option index>", and ":<digest>" of the options up
# to it when the poll takes suggestions (bot.domain.suggestions.vote_check)
VOTE_ACTION = "poll.vote"
# action_ids must be unique within a message, so each option button is f"poll.vote:{index}";
# listeners match them all with this pattern (Bolt accepts a compiled pattern as action_id).
VOTE_ACTION_PATTERN = re.compile(rf"^{re.escape(VOTE_ACTION)}:\d+$")
OPEN_ANSWER_ACTION = "poll.answer"  # opens the answer modal; value "<poll_id>"
CLOSE_ACTION = "poll.close"  # organiser closes; value "<poll_id>"
SUGGEST_ACTION = "poll.suggest"  # "Suggest an option": opens the suggestion modal; "<poll_id>"
OPT_OUT_ACTION = "poll.opt_out"  # "Don't remind me"; value "<poll_id>"
DELETE_CONFIRM_ACTION = "poll.delete_confirm"  # value "<poll_id>"
DELETE_CANCEL_ACTION = "poll.delete_cancel"  # value "<poll_id>"
OUTCOME_ACTION = "poll.outcome"  # "Record what we did" (organiser); value "<poll_id>"
POLL_VOTE_BLOCK = "poll.vote_buttons"  # actions block of the one-click option buttons
POLL_ACTIONS_BLOCK = "poll.actions"  # actions block of Answer / Close
DM_ACTIONS_BLOCK = "dm.actions"  # Answer / Don't remind me in reminder and invitation DMs
DELETE_ACTIONS_BLOCK = "delete.actions"  # confirm / cancel of a delete

# After a poll of wishes closes: the organiser's next steps (ephemeral and on the summary)
PRIORITISE_ACTION = "poll.prioritise"  # "Vote on these wishes"; value "<poll_id>"
OUTCOME_ACTION = "poll.outcome"  # "Record what we did"; value "<poll_id>"
NEXT_STEPS_BLOCK = "poll.next_steps"  # actions block of the two buttons

# App Home. Answer, Close, Vote on these wishes and Record what we did reuse the poll's own
# action ids (OPEN_ANSWER_ACTION, CLOSE_ACTION, PRIORITISE_ACTION, OUTCOME_ACTION): the same
# handlers, which reply by DM where a Home click has no channel. Values "<poll_id>".
HOME_REMIND_ACTION = "home.remind"  # "Remind now"
HOME_EXTEND_ACTION = "home.extend"  # "Extend 1 day"
HOME_EXPORT_ACTION = "home.export"  # "Export CSV" (sent by DM)
HOME_NEW_POLL_ACTION = "home.new_poll"  # "New poll": opens the create form; value ""
HOME_STOP_SERIES_ACTION = "home.stop_series"  # value: the series id
HOME_WAITING_BLOCK = "home.waiting"  # "home.waiting.<poll_id>": a poll to answer
HOME_OWN_BLOCK = "home.own"  # "home.own.<poll_id>" (section) / ".actions" (its buttons)
HOME_CLOSED_BLOCK = "home.closed"  # "home.closed.<poll_id>" / ".actions"
HOME_SERIES_BLOCK = "home.series"  # "home.series.<series_id>": a series with Stop series
HOME_START_BLOCK = "home.start"  # the New poll button

# Follow-up form ("Vote on these wishes"); every input's action_id is FORM_ELEMENT
FOLLOW_UP_VIEW = "poll.follow_up_view"  # callback_id; private_metadata JSON: the original poll
FOLLOW_UP_QUESTION_BLOCK = "follow_up.question"
FOLLOW_UP_WISHES_BLOCK = "follow_up.wishes"
FOLLOW_UP_METHOD_BLOCK = "follow_up.method"
FOLLOW_UP_DOTS_BLOCK = "follow_up.dots"
FOLLOW_UP_PLACES_BLOCK = "follow_up.places"

# Answer modal
# callback_id; private_metadata holds the poll id, and ":<options check>" when it takes
# suggestions (bot.domain.suggestions.OptionsCheck.token)
ANSWER_VIEW = "poll.answer_view"
ANSWER_BLOCK_PREFIX = "answer.q"  # block_id f"answer.q{index}"
ANSWER_ELEMENT = "answer.value"  # action_id inside every answer block

# Outcome form ("Record what we did")
OUTCOME_VIEW = "poll.outcome_view"  # callback_id; private_metadata holds the poll id
OUTCOME_STATUS_BLOCK_PREFIX = "outcome.status"  # block_id f"outcome.status{position}"
OUTCOME_NOTE_BLOCK_PREFIX = "outcome.note"  # block_id f"outcome.note{position}"
OUTCOME_TELL_AGAIN_BLOCK = "outcome.tell_again"  # checkbox: DM everyone asked once more
OUTCOME_ELEMENT = "outcome.value"  # action_id inside every outcome form block

# Suggestion modal
SUGGEST_VIEW = "poll.suggest_view"  # callback_id; private_metadata holds the poll id
SUGGEST_QUESTION_BLOCK = "suggest.question"  # which question (only when several are open)
SUGGEST_TEXT_BLOCK = "suggest.text"
SUGGEST_ELEMENT = "suggest.value"  # action_id of both inputs

# Create form
CREATE_VIEW = "poll.create_view"  # callback_id; private_metadata JSON: channel, count, template
REOPEN_FORM_ACTION = "create.reopen"  # "Open the form again" after a failed post; value: the form
REOPEN_FORM_BLOCK = "create.reopen"
TEMPLATE_ACTION = "create.template"  # static_select dispatching block_actions
ADD_QUESTION_ACTION = "create.add_question"  # button, grows the form in place
ADD_QUESTION_BLOCK = "create.add_question"
TEMPLATE_BLOCK = "create.template"
BLANK_TEMPLATE = "blank"  # option value of the template select for "no template"
QUESTION_TEXT_BLOCK_PREFIX = "create.q_text"  # f"create.q_text{index}"
QUESTION_KIND_BLOCK_PREFIX = "create.q_kind"  # f"create.q_kind{index}"
QUESTION_OPTIONS_BLOCK_PREFIX = "create.q_options"  # f"create.q_options{index}"
EVENT_DATE_BLOCK = "create.event_date"
EVENT_TIME_BLOCK = "create.event_time"
REPEAT_BLOCK = "create.repeat"  # static_select: no, week, 2w, month
FIRST_START_DATE_BLOCK = "create.first_date"  # a recurring poll's first start (empty: now)
FIRST_START_TIME_BLOCK = "create.first_time"
QUESTION_SIZE_BLOCK_PREFIX = "create.q_size"  # f"create.q_size{index}": dots or places
QUESTION_OPEN_BLOCK_PREFIX = "create.q_open"  # f"create.q_open{index}": "Let people suggest"
CLOSE_DATE_BLOCK = "create.close_date"
CLOSE_TIME_BLOCK = "create.close_time"
REMIND_BLOCK = "create.remind"
ANONYMOUS_BLOCK = "create.anonymous"
AUDIENCE_KIND_BLOCK = "create.audience_kind"
AUDIENCE_PEOPLE_BLOCK = "create.audience_people"
AUDIENCE_GROUPS_BLOCK = "create.audience_groups"
SAMPLE_SIZE_BLOCK = "create.sample_size"
CHANNEL_BLOCK = "create.channel"
FORM_ELEMENT = "value"  # action_id of every input element of the create form


def answer_block_id(index: int) -> str:
    """Answer modal: block_id of question index (0-based)."""
    return f"{ANSWER_BLOCK_PREFIX}{index}"


def outcome_status_block_id(position: int) -> str:
    """Outcome form: block_id of the status of the item at position (0-based)."""
    return f"{OUTCOME_STATUS_BLOCK_PREFIX}{position}"


def outcome_note_block_id(position: int) -> str:
    """Outcome form: block_id of the note of the item at position (0-based)."""
    return f"{OUTCOME_NOTE_BLOCK_PREFIX}{position}"


def answer_option_block_id(index: int, option: int) -> str:
    """Answer modal: the dots given to option (0-based) of dot vote question index."""
    return f"{ANSWER_BLOCK_PREFIX}{index}.o{option}"


def answer_dot_block_id(index: int, dot: int) -> str:
    """Answer modal: where dot number dot (0-based) goes, in a dot vote of many options."""
    return f"{ANSWER_BLOCK_PREFIX}{index}.d{dot}"


def answer_place_block_id(index: int, place: int) -> str:
    """Answer modal: the option put in place (0-based: the 1st choice is 0) of ranking index."""
    return f"{ANSWER_BLOCK_PREFIX}{index}.p{place}"


def vote_action_id(index: int) -> str:
    """action_id of the one-click button of option index (0-based)."""
    return f"{VOTE_ACTION}:{index}"


def question_text_block_id(index: int) -> str:
    """Create form: block_id of the text of question index (0-based)."""
    return f"{QUESTION_TEXT_BLOCK_PREFIX}{index}"


def question_kind_block_id(index: int) -> str:
    """Create form: block_id of the answer kind of question index (0-based)."""
    return f"{QUESTION_KIND_BLOCK_PREFIX}{index}"


def question_options_block_id(index: int) -> str:
    """Create form: block_id of the options of question index (0-based)."""
    return f"{QUESTION_OPTIONS_BLOCK_PREFIX}{index}"


def question_size_block_id(index: int) -> str:
    """Create form: block_id of the dots (dot vote) or places (ranking) of question index."""
    return f"{QUESTION_SIZE_BLOCK_PREFIX}{index}"


def question_open_block_id(index: int) -> str:
    """Create form: block_id of the "Let people suggest options" box of question index."""
    return f"{QUESTION_OPEN_BLOCK_PREFIX}{index}"


def question_element_id(template: str) -> str:
    """Create form: action_id of the question inputs for a template.

    Slack keeps what was typed into an input whose block_id and action_id survive views.update,
    ignoring the new initial value; a per-template action_id lets a chosen template replace the
    questions, while adding a question (same template) keeps them."""
    return FORM_ELEMENT if template == BLANK_TEMPLATE else f"{FORM_ELEMENT}.{template}"
