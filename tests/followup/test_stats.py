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
        invited=4,
        answers=[
            answer("GP", [5, 4], [("a", "yes"), ("b", "partly")], "Works well."),
            answer("GP", [3, 4], [("a", "yes"), ("b", "no")]),
            answer("Practice nurse", [2, 1], [("a", "no")], "  "),
        ],
        factor_keys=KEYS,
    )

    assert summary.response_rate == 0.75
    assert summary.change_counts == {"yes": 2, "partly": 1, "no": 2}
    assert summary.share_in_place == 0.4
    assert summary.share_partly == 0.2
    assert summary.factor_means == {"benefits": 3.33, "credibility": 3.0}
    assert summary.by_profession == {
        "GP": {"benefits": 4.0, "credibility": 4.0},
        "Practice nurse": {"benefits": 2.0, "credibility": 1.0},
    }
    assert summary.profession_counts == {"GP": 2, "Practice nurse": 1}
    assert summary.free_texts == ["Works well."]


def test_an_empty_survey_has_no_rates_rather_than_a_division_by_zero():
    summary = summarise(invited=0, answers=[], factor_keys=KEYS)

    assert summary.response_rate is None
    assert summary.share_in_place is None
    assert summary.factor_means == {"benefits": None, "credibility": None}


def test_scores_outside_one_to_five_are_ignored():
    summary = summarise(invited=1, answers=[answer("GP", [9, 0])], factor_keys=KEYS)

    assert summary.factor_counts == {"benefits": 0, "credibility": 0}
