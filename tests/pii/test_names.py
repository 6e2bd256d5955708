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
