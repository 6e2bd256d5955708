import base64
import hashlib
import time

from sharecheck.pii.hashes import _expand, digest_kind, reverse_hashes, spaces


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def test_unsalted_md5_of_zero_padded_ids_is_reversed():
    values = [_md5(f"{number:06d}") for number in range(0, 999_999, 997)]
    assert digest_kind(values) == ("md5", "hex")
    result = reverse_hashes(values, "md5", deadline=time.thread_time() + 20)
    assert result.recovered_share == 1.0
    assert result.spaces_hit == ["numbers up to 6 digits"]


def test_upper_case_sha1_of_medallion_style_codes_is_reversed():
    codes = [f"{digit}{letter}{number:02d}" for digit, letter, number in [(5, "X", 55), (1, "A", 0), (9, "Z", 99)]]
    values = [hashlib.sha1(code.encode()).hexdigest().upper() for code in codes]
    assert digest_kind(values) == ("sha1", "hex")
    result = reverse_hashes(values, "sha1", deadline=time.thread_time() + 20)
    assert result.recovered_share == 1.0
    assert "5X55" in result.spaces_hit[0]


def test_salted_hashes_are_not_reversed_and_the_budget_is_respected():
    values = [_md5(f"pepper-{number}") for number in range(50)]
    started = time.thread_time()
    result = reverse_hashes(values, "md5", deadline=started + 0.5)
    assert result.recovered == 0
    assert not result.complete
    # the budget is CPU time of this thread; one candidate chunk past it at most
    assert time.thread_time() - started < 3
    assert result.to_details()["recovered_share"] == 0.0


def test_base64_sha256_digests_are_recognised():
    values = [base64.b64encode(hashlib.sha256(str(number).encode()).digest()).decode() for number in range(40)]
    assert digest_kind(values) == ("sha256", "base64")
    result = reverse_hashes(values, "sha256", "base64", deadline=time.thread_time() + 20)
    assert result.recovered_share == 1.0


def test_words_and_short_codes_are_not_digests():
    assert digest_kind(["hello world", "abc", "12345"]) is None
    assert digest_kind(["0123456789abcdef"] * 5) is None  # 8 bytes: no algorithm of that size


def test_spaces_are_searched_smallest_first_and_patterns_expand():
    sizes = [space.size for space in spaces()]
    assert sizes == sorted(sizes)
    assert [len(charset) for charset in _expand(r"\d[A-Z]\d{2}")] == [10, 26, 10, 10]


def test_the_work_per_column_is_a_count_of_candidates_not_a_time():
    """The smallest space, medallion codes 5X55 (26,000), is hashed in chunks of 2,600 sharing
    the first digit. With at most 1,000 candidates the search stops after the first chunk
    ('0A00'..'0Z99'): '0B12' is found, '9Z99' is not, on any machine and at any load; with
    26,000 both are."""
    values = [_md5("0B12"), _md5("9Z99")]
    for _ in range(2):
        result = reverse_hashes(values, "md5", deadline=time.thread_time() + 60, max_candidates=1000)
        assert (result.recovered, result.distinct, result.complete) == (1, 2, False)
        assert result.spaces_searched == ["NYC taxi medallion 5X55"]
    assert reverse_hashes(values, "md5", deadline=time.thread_time() + 60, max_candidates=26_000).recovered == 2
