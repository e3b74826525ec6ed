"""Describing a set: what it covers, twice or not at all, the ground its questions share.

Every figure comes from the set itself (its must-ask questions for the plan,
every question shown for shared ground), so two options never carry the same
words unless they are the same set; ``contrast`` then says what sets each option
apart from the others shown beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .evaluation import PRIMARY_CREDIT, Context, Option, evaluate, tops_of
from .records import BALANCED, TECHNICAL, BankQuestion, PlannedItem, SharedGround, Suggestion

# Technologies named in the summary sentence before "and N more".
TECHNOLOGIES_NAMED = 3
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def describe(
    must: Sequence[Option],
    extra: Sequence[Option],
    context: Context,
    questions: dict[int, BankQuestion],
    *,
    backups: Sequence[tuple[Option, str]] = (),
) -> Suggestion:
    """A set in asking order (must-ask, if-time-allows, backups with their conditions)."""
    size = len(context.wanted)
    every = (*must, *extra)
    must_tops = tops_of((m.credits for m in must), size)
    all_tops = tops_of((m.credits for m in every), size)
    keys = [w.key for w in context.wanted]
    names = [w.name for w in context.wanted]
    must_minutes = sum(m.minutes for m in must)
    shared = shared_ground(every, context)
    items = (
        tuple(PlannedItem(m.id, True, m.minutes) for m in must)
        + tuple(PlannedItem(m.id, False, m.minutes) for m in extra)
        + tuple(PlannedItem(b.id, False, b.minutes, True, when) for b, when in backups)
    )
    suggestion = Suggestion(
        items=items,
        covered=tuple(k for k, (best, _) in zip(keys, all_tops, strict=True) if best > 0),
        missing=tuple(k for k, (best, _) in zip(keys, all_tops, strict=True) if best == 0),
        must_ask_minutes=must_minutes,
        total_minutes=must_minutes + sum(m.minutes for m in extra),
        overlaps=tuple(g.label for g in shared),
        score=round(evaluate(tuple(must), context)[0], 6) if must else 0.0,
        summary="",
        budget=context.budget,
        twice=tuple(n for n, (_, second) in zip(names, must_tops, strict=True) if second > 0),
        left_out=tuple(n for n, (best, _) in zip(names, all_tops, strict=True) if best == 0),
        secondary_only=tuple(
            n for n, (best, _) in zip(names, all_tops, strict=True) if 0 < best < PRIMARY_CREDIT
        ),
        shared=shared,
    )
    return replace(suggestion, summary=_sentence(suggestion, must, must_tops, context))


def shared_ground(members: Sequence[Option], context: Context) -> tuple[SharedGround, ...]:
    """Each piece of ground two or more questions of the set probe, with those questions."""
    found = []
    for bit, label in enumerate(context.label_names):
        ids = tuple(m.id for m in members if (m.labels | m.mentions) >> bit & 1)
        if len(ids) > 1:
            found.append(SharedGround(label, ids, context.label_kinds[bit]))
    return tuple(sorted(found, key=lambda g: (g.label.casefold(), g.question_ids)))


def _sentence(
    suggestion: Suggestion,
    must: Sequence[Option],
    must_tops: Sequence[tuple[float, float]],
    context: Context,
) -> str:
    """One sentence: how many questions in how many minutes, what they cover, how it opens."""
    count = len(context.wanted)
    plan = f"{_first_upper(_questions(len(must)))} in {suggestion.must_ask_minutes} of "
    plan += f"{context.budget} minutes"
    verb = "covers" if len(must) == 1 else "cover"
    if suggestion.missing:
        covers = f"{verb} {count - len(suggestion.missing)} of {count} competencies"
        covers += f" (not {_join(list(suggestion.left_out))})"
    else:
        covers = f"{verb} {_all_of(count)}"
    late = [
        w.name
        for j, w in enumerate(context.wanted)
        if must_tops[j][0] == 0 and w.key in suggestion.covered
    ]
    sentence = f"{plan} {covers}"
    if late:
        sentence += f"; {_join(late)} only if time allows"
    if must:
        sentence += f"; it opens on {_opening(must[0], context)}"
    if context.emphasis != BALANCED and must:
        kind = "technical" if context.emphasis == TECHNICAL else "leadership and people"
        on = sum(m.on_emphasis for m in must)
        sentence += f", and {_number(on)} of its {_number(len(must))} must-ask questions"
        sentence += f" {'is a' if on == 1 else 'are'} {kind} one{'' if on == 1 else 's'}"
    return f"{sentence}. {_shared_sentence(suggestion)}"


def positions(suggestion: Suggestion, ground: SharedGround) -> tuple[int, ...]:
    """The places (1, 2, …) in the set of the questions sharing some ground."""
    place = {item.question_id: n for n, item in enumerate(suggestion.items, start=1)}
    return tuple(sorted(place[i] for i in ground.question_ids))


def _shared_sentence(suggestion: Suggestion) -> str:
    """Which questions (by their place in the set) share ground, then shared technologies.

    Ground (topics, forks, an untagged question's technologies) is named with the
    questions sharing it ("Questions 1 and 2 share release"), as the builder's
    coverage warns about it; technologies that tagged questions merely name are
    named when few, else counted, and listed with their questions on the panel.
    """
    groups: dict[tuple[int, ...], list[str]] = {}
    mentions = []
    for ground in suggestion.shared:
        if ground.kind == "mention":
            mentions.append(ground.label)
        else:
            groups.setdefault(positions(suggestion, ground), []).append(ground.label)
    parts = [
        f"questions {_join([str(n) for n in group])} share {_join(labels)}"
        for group, labels in sorted(groups.items())
    ] or ["no two questions share a topic or come from one question"]
    if len(mentions) > TECHNOLOGIES_NAMED:
        parts.append(f"{_number(len(mentions))} technologies come up in more than one question")
    elif mentions:
        verb = "comes" if len(mentions) == 1 else "come"
        parts.append(f"{_join(mentions)} {verb} up in more than one question")
    return _first_upper("; ".join(parts)) + "."


def _first_upper(text: str) -> str:
    """The text with its first letter in capitals, the rest untouched."""
    return text[:1].upper() + text[1:]


def _opening(first: Option, context: Context) -> str:
    """The competency the first question is there for (its most important credit)."""
    j = max(first.credits, key=lambda jc: (jc[1], context.importance[jc[0]], -jc[0]))[0]
    return context.wanted[j].name


def contrast(suggestions: Sequence[Suggestion], questions: dict[int, BankQuestion]) -> list[str]:
    """For each option, what sets it apart from the others shown with it.

    The opening question, competencies only it asks about twice or leaves out, and
    how many of its questions no other option has.
    """
    notes = []
    for i, s in enumerate(suggestions):
        others = [o for k, o in enumerate(suggestions) if k != i]
        parts = []
        if s.items:
            parts.append(f"opens with “{questions[s.items[0].question_id].title}”")
        if others:
            only_twice = [n for n in s.twice if not any(n in o.twice for o in others)]
            if only_twice:
                parts.append(f"the only one asking twice about {_join(only_twice)}")
            only_out = [n for n in s.left_out if not any(n in o.left_out for o in others)]
            if only_out:
                parts.append(f"the only one leaving out {_join(only_out)}")
            theirs = {item.question_id for o in others for item in o.items if not item.is_backup}
            own = [it for it in s.items if it.must_ask and it.question_id not in theirs]
            musts = sum(it.must_ask for it in s.items)
            parts.append(_own_questions(len(own), musts))
        notes.append(_first_upper("; ".join(parts)) + "." if parts else "")
    return notes


def _own_questions(own: int, musts: int) -> str:
    """How many of an option's must-ask questions no other option has, in words."""
    if own == 0:
        return "each of its must-ask questions is in another option too"
    if own == musts:
        return "no other option has any of its must-ask questions"
    verb = "is" if own == 1 else "are"
    return f"{_number(own)} of its {_number(musts)} must-ask questions {verb} in no other option"


def _number(n: int) -> str:
    """ "one", "two", … "12"."""
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def _questions(count: int) -> str:
    """ "one question", "four questions", "12 questions"."""
    word = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
    return f"{word} question" + ("" if count == 1 else "s")


def _all_of(count: int) -> str:
    """ "all four competencies", "the one competency", "all 12 competencies"."""
    if count == 1:
        return "the one competency"
    if count == 2:
        return "both competencies"
    return f"all {NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else count} competencies"


def _join(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
