"""The event coder on project-written sentences, one construction per test."""

from __future__ import annotations

from detente.records import Article, Event, event_id


def _code(nlp, text: str, published: str | None = "2019-05-10") -> list[Event]:  # type: ignore[no-untyped-def]
    art = Article(id="t1", text=text, published=published)
    ((doc, _),) = list(nlp.pipe([(text, art)], as_tuples=True))
    return list(doc._.events)


def _triples(events: list[Event], *, factual: bool = True) -> set[tuple[str, str, str]]:
    return {(e.source.principal, e.target.principal, e.root) for e in events
            if not factual or not (e.negated or e.hypothetical)}


def test_subject_verb_object_gives_one_event(nlp) -> None:  # type: ignore[no-untyped-def]
    assert _triples(_code(nlp, "Turkish troops attacked Kurdish fighters of the YPG.")) == {("TUR", "YPG", "19")} or \
        ("TUR", "REBELS", "19") in _triples(_code(nlp, "Turkish troops attacked Kurdish fighters of the YPG."))


def test_passive_agent_is_the_source(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("SYR", "TUR", "19") in _triples(_code(nlp, "A Turkish observation post was shelled by Syrian forces."))


def test_coordinated_sources_give_one_event_each(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Russian and Syrian forces bombed Idlib on Tuesday."))
    assert {("RUS", "CIVILIANS", "18"), ("SYR", "CIVILIANS", "18")} <= got


def test_attack_on_a_place_targets_civilians(nlp) -> None:  # type: ignore[no-untyped-def]
    assert _triples(_code(nlp, "Russian jets bombed Aleppo.")) == {("RUS", "CIVILIANS", "18")}


def test_relative_clause_subject_is_the_noun_it_modifies(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("RUS", "CIVILIANS", "18") in _triples(_code(nlp, "Russia, which bombed Aleppo, signed an agreement with Turkey."))


def test_reported_speech_codes_the_reported_event_not_the_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "The Syrian Observatory said Russian warplanes struck Turkish troops."))
    assert got == {("RUS", "TUR", "19")}


def test_prepositional_target_and_symmetric_meeting(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Russian officials held talks with Turkey in Ankara."))
    assert {("RUS", "TUR", "04"), ("TUR", "RUS", "04")} <= got


def test_agreement_between_two_actors_is_coded_both_ways(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "The deal between Moscow and Ankara created a buffer zone."))
    assert got == {("RUS", "TUR", "05"), ("TUR", "RUS", "05")}


def test_nominal_attack_takes_its_source_from_the_noun_phrase(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Russian air strikes on Idlib continued for a week."))
    assert got == {("RUS", "CIVILIANS", "18")}


def test_clash_between_two_forces_is_coded_both_ways(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Turkish troops clashed with Syrian government forces near Saraqeb."))
    assert {("TUR", "SYR", "19"), ("SYR", "TUR", "19")} <= got


def test_negated_event_is_flagged(nlp) -> None:  # type: ignore[no-untyped-def]
    (e,) = _code(nlp, "Turkey did not attack Syrian forces.")
    assert e.negated and not e.hypothetical


def test_conditional_event_is_hypothetical(nlp) -> None:  # type: ignore[no-untyped-def]
    events = _code(nlp, "Turkey could strike Syrian forces.")
    assert events and all(e.hypothetical for e in events)


def test_threat_is_a_threat_event_and_its_content_is_not_coded(nlp) -> None:  # type: ignore[no-untyped-def]
    events = _code(nlp, "Turkey threatened to attack Syrian forces.")
    assert [(e.source.principal, e.target.principal, e.cameo, e.hypothetical) for e in events] == [("TUR", "SYR", "138", False)]


def test_announced_meeting_is_036_not_hypothetical(nlp) -> None:  # type: ignore[no-untyped-def]
    events = _code(nlp, "Russia and Turkey will hold talks in Sochi.")
    assert {(e.source.principal, e.target.principal, e.cameo, e.hypothetical) for e in events} == {
        ("RUS", "TUR", "036", False), ("TUR", "RUS", "036", False)}


def test_the_two_sides_resolve_to_the_last_two_actors(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Russia and Turkey disagree over Idlib. The two sides met in Moscow on Monday."
    assert {("RUS", "TUR", "04"), ("TUR", "RUS", "04")} <= _triples(_code(nlp, text))


def test_pronoun_resolves_to_the_last_actor(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Turkey moved more troops to the border. It also condemned Russia."
    assert ("TUR", "RUS", "11") in _triples(_code(nlp, text))


def test_sentence_without_two_actors_gives_no_event(nlp) -> None:  # type: ignore[no-untyped-def]
    assert _code(nlp, "Turkey held elections on Sunday.") == []
    assert _code(nlp, "The weather was fine in Ankara.") == []


def test_evidence_offsets_point_into_the_article_and_ids_are_stable(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Nothing happened on Monday. Russian jets bombed Aleppo yesterday."
    (e,) = _code(nlp, text)
    assert text[e.evidence.start : e.evidence.end] == e.evidence.text
    assert e.evidence.text.startswith("Russian jets")
    assert e.event_id == event_id("t1", e.sentence, e.source.code, e.target.code, e.cameo)
    assert [x.event_id for x in _code(nlp, text)] == [e.event_id]


def test_date_comes_from_the_sentence_read_against_publication(nlp) -> None:  # type: ignore[no-untyped-def]
    (e,) = _code(nlp, "Russian jets bombed Aleppo yesterday.", published="2018-09-15")
    assert (e.date, e.date_source) == ("2018-09-14", "text")


def test_identical_triples_in_one_sentence_are_deduplicated(nlp) -> None:  # type: ignore[no-untyped-def]
    events = _code(nlp, "Russian jets bombed and shelled Aleppo.")
    keys = [(e.source.principal, e.target.principal, e.root) for e in events]
    assert len(keys) == len(set(keys)) == 1


def test_events_component_is_registered_and_ordered_after_the_parser(nlp) -> None:  # type: ignore[no-untyped-def]
    names = nlp.pipe_names
    assert names.index("detente_actors") < names.index("detente_events")
    assert names.index("parser") < names.index("detente_actors")


def test_headline_on_its_own_line_is_its_own_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Turkey condemns Russia\nThe weather in Ankara was fine yesterday."
    events = _code(nlp, text, published="2019-05-10")
    assert events and all(e.sentence == 0 and e.date_source != "text" for e in events)


def test_accused_of_gerund_makes_the_accused_the_source(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Ukraine accused Russian troops of killing civilians in Bucha."))
    assert {("UKR", "RUS", "11"), ("RUS", "CIVILIANS", "18")} <= got


def test_ceasefire_brokered_between_two_parties_codes_the_mediator_apart(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "A ceasefire brokered by Egypt between Israel and Hamas took effect on Friday."))
    assert {("ISR", "HAMAS", "08"), ("HAMAS", "ISR", "08"), ("EGY", "ISR", "04"), ("EGY", "HAMAS", "04")} <= got
    assert ("EGY", "ISR", "08") not in got


def test_strikes_on_an_armed_group_held_area_target_the_group(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "The United States launched strikes on Houthi-held areas of Yemen on Saturday."))
    assert ("USA", "HOUTHIS", "19") in got


def test_military_site_in_a_country_is_that_state_but_a_city_is_civilians(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("IND", "PAK", "19") in _triples(_code(nlp, "Indian jets struck a training camp in Pakistan on Tuesday."))
    assert ("RUS", "CIVILIANS", "18") in _triples(_code(nlp, "Russia fired a missile at the Ukrainian city of Dnipro."))


def test_reciprocal_blame_is_coded_both_ways(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Armenia and Azerbaijan fought near Stepanakert. Both sides blamed the other for the fighting."
    assert {("ARM", "AZE", "11"), ("AZE", "ARM", "11")} <= _triples(_code(nlp, text))


def test_question_asserts_no_factual_event(nlp) -> None:  # type: ignore[no-untyped-def]
    events = _code(nlp, "Will Russia and Turkey sign a deal?")
    assert all(e.hypothetical for e in events)


def test_hosting_is_coded_as_host_and_visit(nlp) -> None:  # type: ignore[no-untyped-def]
    events = _code(nlp, "Turkey hosted Iranian officials in Ankara on Monday.")
    assert {(e.source.principal, e.target.principal, e.cameo) for e in events} == {("TUR", "IRN", "043"), ("IRN", "TUR", "042")}


def test_announced_future_act_is_a_factual_intent(nlp) -> None:  # type: ignore[no-untyped-def]
    events = _code(nlp, "France announced that it would withdraw its troops from Mali.")
    assert [(e.source.principal, e.target.principal, e.root, e.hypothetical) for e in events] == [("FRA", "MLI", "03", False)]


def test_must_in_reported_speech_is_a_demand(nlp) -> None:  # type: ignore[no-untyped-def]
    events = _code(nlp, "Zelensky told G20 leaders on Tuesday that Russia must withdraw all its troops from Ukrainian territory.")
    assert ("UKR", "RUS", "10") in _triples(events)
    assert all(e.root != "08" for e in events)


def test_we_in_a_quote_is_the_speaker_and_a_talk_includes_the_last_other_party(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Erdogan met Putin in Sochi. Erdogan said: \u201cWe discussed the situation in Idlib.\u201d"
    got = _triples(_code(nlp, text, published="2021-09-30"))
    assert {("TUR", "RUS", "04"), ("RUS", "TUR", "04")} <= got


def test_ceasefire_agreed_between_states_over_a_third_war_is_a_formal_agreement(nlp) -> None:  # type: ignore[no-untyped-def]
    # Two states settling a truce in a third country's war make a diplomatic agreement (057,
    # as the seeds code the Moscow and Kerry-Lavrov deals on Syria) ...
    got = _triples(_code(nlp, "Greece and Bulgaria agreed on Monday to a ceasefire in Syria."))
    assert {("GRC", "BGR", "05"), ("BGR", "GRC", "05")} <= got
    assert ("GRC", "BGR", "08") not in got


def test_ceasefire_between_states_that_fought_each_other_is_a_yield(nlp) -> None:  # type: ignore[no-untyped-def]
    # ... while two states that stop fighting each other declare a truce (0871), as the dev
    # set codes the India-Pakistan and Israel-Iran ceasefires.
    got = _triples(_code(nlp, "Greece and Bulgaria agreed on Monday to a ceasefire along the river."))
    assert {("GRC", "BGR", "08"), ("BGR", "GRC", "08")} <= got
    assert ("GRC", "BGR", "05") not in got


def test_truce_agreed_with_an_armed_group_stays_a_truce(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Sudan's army and the RSF agreed on Monday to a truce."))
    assert {("SDN", "RSF", "08"), ("RSF", "SDN", "08")} <= got


def test_agreeing_to_observe_a_ceasefire_is_a_yield_even_between_states(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Peru and Ecuador agreed to observe the ceasefire on their frontier."))
    assert ("PER", "ECU", "08") in got
    assert ("PER", "ECU", "05") not in got


def test_troops_sent_to_a_border_face_the_country_across_it(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Belarus deployed troops to the border with Lithuania on Sunday."))
    assert ("BLR", "LTU", "15") in got


def test_warning_that_another_actor_acts_is_an_accusation(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Japan warned that China is building military bases on disputed reefs."))
    assert ("JPN", "CHN", "11") in got
    assert ("JPN", "CHN", "13") not in got


def test_warning_with_a_modal_stays_a_threat(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Egypt warned that Ethiopia would pay a heavy price."))
    assert ("EGY", "ETH", "13") in got


def test_readiness_to_use_force_is_a_threat_and_readiness_to_talk_an_intent(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("VNM", "CHN", "13") in _triples(_code(nlp, "Vietnam was ready to strike China."))
    assert ("VNM", "CHN", "03") in _triples(_code(nlp, "Vietnam is ready to meet China."))


def test_named_government_of_a_divided_state_is_that_state(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Forces of the Government of National Accord clashed with the LNA near Sirte."))
    assert ("LBY", "LNA", "19") in got


def test_code_doc_codes_a_doc_parsed_without_the_events_component(nlp) -> None:  # type: ignore[no-untyped-def]
    from detente.coding.coder import code_doc

    text = "Peru accused Ecuador of shelling its border posts."
    with nlp.select_pipes(disable=["detente_events"]):
        doc = nlp(text)
    assert doc._.events is None
    got = code_doc(doc, Article(id="t2", text=text, published="2019-05-10"))
    assert ("PER", "ECU", "11") in _triples(got)
    assert [e.event_id for e in code_doc(doc, Article(id="t2", text=text, published="2019-05-10"))] == [e.event_id for e in got]


def test_singular_possessive_skips_a_plural_subject(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _code(nlp, "Greece said it would respond if Turkish forces attacked its islands.")
    assert ("TUR", "GRC", "19") in _triples(got, factual=False)
    assert all(e.hypothetical for e in got if (e.source.principal, e.target.principal) == ("TUR", "GRC"))


def test_reinforcing_positions_is_a_force_posture_towards_where_they_are(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("GRC", "TUR", "15") in _triples(_code(nlp, "Greece reinforced its border with Turkey on Monday."))


def test_pulling_out_of_talks_reduces_relations(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("ETH", "EGY", "16") in _triples(_code(nlp, "Ethiopia pulled out of the talks with Egypt on Friday."))
    assert ("USA", "RUS", "16") in _triples(_code(nlp, "The United States withdrew from the missile treaty with Russia."))


def test_line_after_a_headline_is_not_splintered_into_word_sentences(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Chile and Peru sign fishing pact in Lima\nPeru and Chile agreed on Monday to a fishing accord in Lima."
    doc = nlp(text)
    assert [s.text.strip() for s in doc.sents] == text.split("\n")
    assert {(e.sentence, e.source.principal, e.target.principal) for e in doc._.events} >= {(1, "CHL", "PER"), (1, "PER", "CHL")}


def test_counteroffensive_and_ambush_nouns_take_source_and_target_from_the_phrase(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("GEO", "RUS", "19") in _triples(_code(nlp, "Georgia's counteroffensive against Russian troops stalled."))
    assert ("ISIS", "SYR", "19") in _triples(_code(nlp, "An ISIS ambush on Syrian soldiers killed ten near Palmyra."))


def test_an_official_arriving_or_travelling_is_a_visit_but_troops_arriving_are_not(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("TUR", "RUS", "04") in _triples(_code(nlp, "The Turkish president arrived in Moscow on Monday for talks."))
    assert ("RUS", "TUR", "04") in _triples(_code(nlp, "Lavrov travelled to Ankara."))
    assert not any(r == "04" for _, _, r in _triples(_code(nlp, "Russian troops arrived in Kherson.")))
    assert not any(r == "04" for _, _, r in _triples(_code(nlp, "South Korean singers travelled to Pyongyang.")))


def test_allowing_aid_into_a_place_is_a_yield_to_its_people(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("ISR", "CIVILIANS", "08") in _triples(_code(nlp, "Israel allowed aid trucks into Gaza."))


def test_handing_over_hostages_is_a_release(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("HAMAS", "ISR", "08") in _triples(_code(nlp, "Hamas handed over four Israeli hostages."))


def test_humanitarian_aid_delivered_to_a_place_goes_to_its_people(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("USA", "CIVILIANS", "07") in _triples(_code(nlp, "The United States delivered humanitarian aid to Gaza."))


def test_granting_a_loan_is_economic_aid(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("UN", "PAK", "07") in _triples(_code(nlp, "The United Nations granted a loan to Pakistan.")) or \
        any(t == "PAK" and r == "07" for _, t, r in _triples(_code(nlp, "The United Nations granted a loan to Pakistan.")))


def test_launching_an_investigation_into_strikes_investigates_their_author(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("UN", "ISR", "09") in _triples(_code(nlp, "The UN launched an investigation into Israeli strikes in Gaza."))


def test_mobilising_troops_near_a_border_is_a_force_posture(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("RUS", "UKR", "15") in _triples(_code(nlp, "Russia mobilised troops near the Ukrainian border."))


def test_pulling_back_troops_is_a_retreat(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("RUS", "UKR", "08") in _triples(_code(nlp, "Russia pulled back its troops from the Ukrainian border."))


def test_strike_on_a_civil_site_in_a_place_targets_its_people(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("RUS", "CIVILIANS", "18") in _triples(_code(nlp, "Russian drones struck residential buildings in Aleppo."))


def test_phone_call_with_a_leader_is_a_telephone_consultation(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Putin had a phone call with Erdogan."))
    assert {("RUS", "TUR", "04"), ("TUR", "RUS", "04")} <= got


def test_curfew_imposed_or_lifted_in_a_place_falls_on_its_people(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("RUS", "CIVILIANS", "17") in _triples(_code(nlp, "Russia imposed a curfew in Kherson."))
    assert ("SYR", "CIVILIANS", "08") in _triples(_code(nlp, "Syria lifted a curfew in Aleppo."))


def test_sharing_evidence_or_providing_intelligence_is_intelligence_cooperation(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("ISR", "USA", "06") in _triples(_code(nlp, "Israeli intelligence shared evidence with the US."))
    assert ("USA", "UKR", "06") in _triples(_code(nlp, "The United States is providing intelligence to Ukraine."))


def test_strengthening_forces_in_a_country_is_a_force_posture(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("ISR", "LBN", "15") in _triples(_code(nlp, "Israel strengthened its forces in Lebanon."))


def test_mediation_effort_between_two_parties_mediates_for_both(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Qatar launched a mediation effort between Israel and Hamas."))
    assert {("QAT", "ISR", "04"), ("QAT", "HAMAS", "04")} <= got


def test_blaming_an_actor_for_an_attack_makes_it_the_attacker_of_the_blamer(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Ankara blamed Syrian government forces for the strike."))
    assert {("TUR", "SYR", "11"), ("SYR", "TUR", "19")} <= got


def test_blame_for_an_agentless_passive_attack_names_its_author(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "The Hamas leader was killed in Tehran, and Hamas blamed Israel."))
    assert ("ISR", "HAMAS", "19") in got or ("ISR", "HAMAS", "18") in got


def test_blame_in_another_clause_does_not_make_the_blamer_a_victim(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Drones struck two oil facilities, the Houthis claimed the attack, but Washington blamed Iran."))
    assert ("IRN", "USA", "19") not in got and ("USA", "IRN", "11") in got


def test_blaming_someone_for_a_crisis_is_no_attack(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Russia blamed Ukraine for the crisis."))
    assert not any(r in ("18", "19") for _, _, r in got)


def test_hosting_talks_between_two_parties_mediates_for_both(nlp) -> None:  # type: ignore[no-untyped-def]
    got = _triples(_code(nlp, "Egypt hosted talks between Israel and Hamas in Cairo."))
    assert {("ISR", "HAMAS", "04"), ("EGY", "ISR", "04"), ("EGY", "HAMAS", "04")} <= got


def test_killing_a_named_leader_is_an_assassination_not_a_battle(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ("ISR", "HEZBOLLAH", "18") in _triples(_code(nlp, "Israel killed Hezbollah leader Hassan Nasrallah."))
    assert ("ISR", "HAMAS", "19") in _triples(_code(nlp, "Israeli troops killed Hamas fighters."))
