from followup.stats import Answer, summarise

KEYS = ["benefits", "credibility"]


def answer(profession, scores, changes=(), text=""):
    return Answer(
        profession=profession,
        changes=[{"key": k, "title": k, "status": s, "why": ""} for k, s in changes],
        factor_scores=dict(zip(KEYS, scores, strict=True)),
        free_text=text,
    )


def test_the_summary_counts_responses_changes_and_averages_factors_by_profession():
    summary = summarise(
        invited=12,
        answers=[
            *[answer("GP", [5, 4], [("a", "yes"), ("b", "partly")], "Works well.")] * 3,
            *[answer("GP", [3, 4], [("a", "yes"), ("b", "no")])] * 2,
            *[answer("Practice nurse", [2, 1], [("a", "no")], "  ")] * 5,
        ],
        factor_keys=KEYS,
    )

    assert summary.response_rate == 10 / 12
    assert summary.change_counts == {"yes": 5, "partly": 3, "no": 7}
    assert summary.share_in_place == 5 / 15
    assert summary.factor_means == {"benefits": 3.1, "credibility": 2.5}
    assert summary.by_profession == {
        "GP": {"benefits": 4.2, "credibility": 4.0},
        "Practice nurse": {"benefits": 2.0, "credibility": 1.0},
    }
    assert summary.profession_counts == {"GP": 5, "Practice nurse": 5}
    assert summary.free_texts == ["Works well."] * 3


def test_no_profession_with_fewer_than_five_answers_is_shown_apart():
    summary = summarise(
        invited=8,
        answers=[answer("GP", [4, 4])] * 5 + [answer("Receptionist", [1, 1], text="Me")],
        factor_keys=KEYS,
    )

    assert summary.by_profession == {"GP": {"benefits": 4.0, "credibility": 4.0}}
    assert summary.profession_counts == {"GP": 5}
    assert summary.small_professions == ["Receptionist"]
    assert summary.factor_means == {"benefits": 3.5, "credibility": 3.5}


def test_fewer_than_five_answers_in_all_shows_nothing_anyone_said():
    summary = summarise(
        invited=3,
        answers=[answer("GP", [5, 5], [("a", "yes")], "Only me")] * 4,
        factor_keys=KEYS,
    )

    assert not summary.is_reportable and summary.responded == 4
    assert summary.factor_means == {"benefits": None, "credibility": None}
    assert summary.changes_answered == 0
    assert summary.by_profession == {} and summary.small_professions == []
    assert summary.free_texts == []


def test_an_empty_survey_has_no_rates_rather_than_a_division_by_zero():
    summary = summarise(invited=0, answers=[], factor_keys=KEYS)

    assert summary.response_rate is None
    assert summary.share_in_place is None
    assert summary.factor_means == {"benefits": None, "credibility": None}


def test_scores_outside_one_to_five_are_ignored():
    summary = summarise(invited=1, answers=[answer("GP", [9, 0])], factor_keys=KEYS)

    assert summary.factor_counts == {"benefits": 0, "credibility": 0}
