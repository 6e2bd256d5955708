from sharecheck.pii.names import classify_value, name_shares, text_mentions_person

# Made-up combinations of common census names; no real person intended.
PEOPLE = ["John A. Smith", "SMITH, MARY J", "Garcia,Maria", "Dr. Robert Johnson Jr.", "linda k brown", "James Wilson"]
BUSINESSES = ["Smith Plumbing LLC", "Joe's Pizza & Grill", "JOHNSON CONSTRUCTION CO", "Brown Street Station", "Grove St PATH"]
TREES = ["Acer rubrum", "Red Maple", "Quercus alba", "Pin Oak", "Honeylocust"]


def test_person_names_in_any_order_are_full_names():
    assert all(classify_value(value) == "full" for value in PEOPLE)


def test_business_station_and_tree_names_are_not_people():
    assert name_shares(BUSINESSES).full == 0.0
    assert name_shares(BUSINESSES).blocked >= 0.8
    assert name_shares(TREES).full == 0.0


def test_name_parts_alone():
    assert classify_value("Patricia") == "given"
    assert classify_value("Kowalczyk") in {"surname", "none"}
    assert classify_value("WILLIAMS") in {"surname", "given"}


def test_person_mentioned_in_text():
    assert text_mentions_person("Caller said Mary Johnson saw the van leave")
    assert not text_mentions_person("Pothole on Main Street near the park")


def test_looked_up_names_are_the_census_sets_restricted_to_the_words():
    from sharecheck.pii.names import given_names, known_names, surnames

    words = ["MARY", "SMITH", "JONES", "PRIVATE", "HUSBAND", "ZZQX", "LEE", "ANN", "WHITE", "MALE"]
    first, last = known_names(words)
    assert first == given_names() & set(words)
    assert last == surnames() & set(words)
    assert known_names(iter(words)) == (first, last)  # a generator is read once
    assert known_names([]) == (frozenset(), frozenset())


def test_name_shares_with_looked_up_names_equal_the_per_value_definition():
    values = [*PEOPLE, *BUSINESSES, *TREES, "Mary", "Jones", "Never-married", "12 Main St", " ", "Ann Lee"]
    shares = name_shares(values)
    # classify_value without `known` reads the full census sets
    kinds = [classify_value(v.strip()) for v in values if v.strip()]
    assert shares.values == len(kinds)
    assert shares.full == kinds.count("full") / len(kinds)
    assert shares.given == kinds.count("given") / len(kinds)
    assert shares.surname == kinds.count("surname") / len(kinds)
    assert shares.blocked == kinds.count("blocked") / len(kinds)
