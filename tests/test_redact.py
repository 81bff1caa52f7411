"""Redaction: no secret, and no piece of one, reaches the evidence."""

from __future__ import annotations

import doctest
import json
import random
import re
from urllib.parse import quote

import pytest

from pytest_cutover.safety import redact
from pytest_cutover.safety.redact import (
    MARKER,
    SECRET_NAME,
    Redactor,
    RunRedactor,
    build_redactor,
    parse_extra_pattern,
    redacted_id,
    secret_env_values,
)

#: The token shapes only: no environment, no extra patterns.
SHAPES = Redactor(())

# Fake credentials, put together here so that no scanner takes this file for a leak.
ALNUM_36 = "Z9y8X7w6" * 4 + "V5u4"
GITHUB_PAT = "github" + "_pat_" + "11ABCDEFG0" + "x1Y2z3W4v5U6t7S8r9Q0" * 3
AWS_KEY_ID = "AKIA" + "Q7RTZ2ZW6XAMPLE9"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nVJTUt9Us8cKjMzEfYyjiWA4R4\n"


def pem(kind: str = "RSA PRIVATE KEY", newline: str = "\n") -> str:
    """A private key block (with a fake body) of ``kind``."""
    block = f"-----BEGIN {kind}-----\n{PEM_BODY}-----END {kind}-----"
    return block.replace("\n", newline)


def assert_no_piece_of(secret: str, text: str) -> None:
    """No run of 6 or more characters of ``secret`` is left in ``text``."""
    pieces = {secret[i : i + 6] for i in range(len(secret) - 5)}
    leaked = sorted(piece for piece in pieces if piece in text)
    assert not leaked, f"pieces of the secret left in {text!r}: {leaked}"


# -- which names are secret ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "API_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "DB_PASSWORD",
        "PGPASSWORD",
        "REDIS_PASSWD",
        "GPG_PASSPHRASE",
        "GITHUB_AUTH",
        "OAUTH_CLIENT",
        "HTTP_AUTHORIZATION",
        "DEPLOY_KEY",
        "apiKey",
        "SSH_PRIVATE",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "SMTP_PASS",
        "MYSQL_PWD",
        "client_secret",
    ],
)
def test_a_secret_looking_name_is_recognised(name: str) -> None:
    assert SECRET_NAME.search(name)


@pytest.mark.parametrize(
    "name",
    [
        "PATH",
        "HOME",
        "PWD",
        "OLDPWD",
        "GIT_AUTHOR_NAME",
        "XAUTHORITY",
        "KEYBOARD_LAYOUT",
        "keywords",
        "PASSENGER_COUNT",
        "BYPASS_CACHE",
        "LANG",
    ],
)
def test_an_ordinary_name_is_not_taken_for_a_secret(name: str) -> None:
    assert not SECRET_NAME.search(name)


# -- values of secret environment variables ------------------------------------------------


def test_the_value_of_a_secret_variable_is_replaced_in_output() -> None:
    redactor = build_redactor({"DEPLOY_TOKEN": "dpl-7f3a9c21e5", "HOME": "/home/deploy"})

    text = redactor("pushing with dpl-7f3a9c21e5 from /home/deploy\nrejected dpl-7f3a9c21e5")

    assert text == "pushing with [REDACTED] from /home/deploy\nrejected [REDACTED]"


def test_the_value_of_a_secret_variable_is_replaced_in_argv() -> None:
    redactor = build_redactor({"DB_PASSWORD": "Tr0ub4dor&3"})

    argv = redactor.argv(["psql", "-c", "select 1", "postgres://app:Tr0ub4dor&3@db/app"])

    assert argv == ["psql", "-c", "select 1", "postgres://app:[REDACTED]@db/app"]


def test_a_secret_inside_an_argument_is_replaced_and_the_rest_kept() -> None:
    redactor = build_redactor({"API_TOKEN": "tok-91b2c3d4"})

    assert redactor.argv(["--header=X-Trace: tok-91b2c3d4-run"]) == [
        "--header=X-Trace: [REDACTED]-run"
    ]


def test_the_argument_after_a_secret_flag_is_replaced_whole() -> None:
    argv = SHAPES.argv(["mysql", "--password", "not from env", "--api-key", "k", "-u", "app"])

    assert argv == ["mysql", "--password", MARKER, "--api-key", MARKER, "-u", "app"]


def test_a_secret_flag_with_its_value_attached_keeps_the_flag_and_loses_the_whole_value() -> None:
    assert SHAPES.argv(["--token=abc123", "--db-password=x y", "--password="]) == [
        "--token=[REDACTED]",
        "--db-password=[REDACTED]",
        "--password=",
    ]


def test_the_values_of_ordinarily_named_variables_are_left_alone() -> None:
    redactor = build_redactor({"DEPLOY_HOST": "prod-eu-1.example.com", "PWD": "/srv/app"})

    text = "ssh prod-eu-1.example.com in /srv/app"

    assert redactor.values == ()
    assert redactor(text) == text


@pytest.mark.parametrize("value", ["abc", "  ab  ", "x", ""])
def test_a_secret_value_shorter_than_four_characters_is_not_redacted(value: str) -> None:
    redactor = build_redactor({"API_TOKEN": value})

    assert redactor.values == ()
    assert redactor("abc ab x") == "abc ab x"


@pytest.mark.parametrize("value", ["true", "False", "YES", "no", "0", "1", " true\n"])
def test_a_boolean_like_secret_value_is_not_redacted(value: str) -> None:
    redactor = build_redactor({"USE_AUTH": value, "SECRET_SCAN": value})

    assert redactor.values == ()
    assert redactor("dry_run=true check=false retries=0") == "dry_run=true check=false retries=0"


def test_a_four_character_secret_value_is_redacted() -> None:
    assert build_redactor({"PIN_SECRET": "4711"})("pin 4711 ok") == "pin [REDACTED] ok"


def test_a_secret_value_is_found_stripped_url_encoded_and_json_escaped() -> None:
    secret = 'p@ss w/"rd"!'
    redactor = build_redactor({"SMTP_PASSWORD": f"{secret}\n"})
    text = "\n".join(
        [
            f"plain {secret} end",
            f"url smtp://mail?pw={quote(secret, safe='')} end",
            f"json {json.dumps({'pw': secret})} end",
        ]
    )

    redacted = redactor(text)

    assert redacted.splitlines() == [
        "plain [REDACTED] end",
        "url smtp://mail?pw=[REDACTED] end",
        'json {"pw": "[REDACTED]"} end',
    ]
    assert_no_piece_of(secret, redacted)


def test_each_line_of_a_multi_line_secret_value_is_found_on_its_own() -> None:
    redactor = build_redactor({"SSH_PRIVATE": "first-line-3f9a\nsecond-line-7c2e"})

    assert redactor("a first-line-3f9a b second-line-7c2e c") == "a [REDACTED] b [REDACTED] c"


def test_a_longer_secret_value_is_not_left_partly_visible_by_a_shorter_one_inside_it() -> None:
    redactor = build_redactor({"API_TOKEN": "abcd1234efgh", "INNER_SECRET": "1234"})

    redacted = redactor("token abcd1234efgh and 1234")

    assert redacted == "token [REDACTED] and [REDACTED]"
    assert_no_piece_of("abcd1234efgh", redacted)


def test_overlapping_secret_values_are_covered_by_one_marker() -> None:
    redactor = build_redactor({"A_TOKEN": "abcdef123456", "B_TOKEN": "123456ghijkl"})

    redacted = redactor("x abcdef123456ghijkl y")

    assert redacted == "x [REDACTED] y"
    assert_no_piece_of("abcdef123456", redacted)
    assert_no_piece_of("123456ghijkl", redacted)


# -- token shapes ---------------------------------------------------------------------------


@pytest.mark.parametrize("key_id", [AWS_KEY_ID, "ASIA" + "Y3NP4G7X2EXAMPLE"])
def test_an_aws_access_key_id_is_replaced_whole(key_id: str) -> None:
    redacted = SHAPES(f"{key_id}\nusing key {key_id}, region eu-west-1")

    assert redacted == "[REDACTED]\nusing key [REDACTED], region eu-west-1"
    assert_no_piece_of(key_id, redacted)


def test_a_longer_word_that_starts_like_an_aws_key_id_is_not_cut_into() -> None:
    word = AWS_KEY_ID + "MORE"

    assert SHAPES(word) == word


@pytest.mark.parametrize(
    "line",
    [
        "aws_secret_access_key = {secret}",
        "AWS_SECRET_ACCESS_KEY={secret}",
        '"aws_secret_access_key": "{secret}"',
    ],
)
def test_the_aws_secret_in_an_aws_secret_access_key_line_is_replaced(line: str) -> None:
    text = "[default]\naws_access_key_id = x\n" + line.format(secret=AWS_SECRET) + "\nregion = eu"

    redacted = SHAPES(text)

    assert line.format(secret=MARKER) in redacted
    assert redacted.endswith("\nregion = eu")
    assert_no_piece_of(AWS_SECRET, redacted)


@pytest.mark.parametrize("prefix", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"])
def test_a_github_token_in_output_is_replaced_whole(prefix: str) -> None:
    token = prefix + ALNUM_36

    redacted = SHAPES(f"remote: using {token}.\n")

    assert redacted == "remote: using [REDACTED].\n"
    assert_no_piece_of(token, redacted)


def test_a_github_token_longer_than_usual_is_still_replaced_whole() -> None:
    token = "ghp_" + ALNUM_36 + "EXTRA9"

    assert SHAPES(f"[{token}]") == "[[REDACTED]]"


def test_a_fine_grained_github_token_is_replaced_whole() -> None:
    redacted = SHAPES(f"GH_PAT: {GITHUB_PAT} ok")

    assert redacted == "GH_PAT: [REDACTED] ok"
    assert_no_piece_of(GITHUB_PAT, redacted)


@pytest.mark.parametrize("kind", "baprs")
def test_a_slack_token_is_replaced_whole(kind: str) -> None:
    token = f"xox{kind}-" + "1234567890-0987654321-" + "AbCdEfGhIjKlMnOp"

    redacted = SHAPES(f"posting with {token} to #cutover")

    assert redacted == "posting with [REDACTED] to #cutover"
    assert_no_piece_of(token, redacted)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZXBsb3kifQ.c2lnbmF0dXJl",
            "Authorization: Bearer [REDACTED]",
        ),
        ("Authorization: Basic ZGVwbG95Omh1bnRlcjI=", "Authorization: Basic [REDACTED]"),
        ("authorization: basic ZGVwbG95Omh1bnRlcjI=", "authorization: basic [REDACTED]"),
        (
            "curl -H 'Authorization: Bearer abc.def-123' https://api",
            "curl -H 'Authorization: Bearer [REDACTED]' https://api",
        ),
        ('{"Authorization": "Basic ZGVwbG95"}', '{"Authorization": "Basic [REDACTED]"}'),
        ("Proxy-Authorization: Basic cHJveHk6cHc=", "Proxy-Authorization: Basic [REDACTED]"),
        ("Authorization: raw-key-5f6e7d rejected", "Authorization: [REDACTED]"),
    ],
)
def test_an_authorization_header_keeps_its_name_and_scheme_and_loses_the_credential(
    text: str, expected: str
) -> None:
    assert SHAPES(text) == expected


def test_a_bearer_credential_outside_a_header_is_replaced() -> None:
    assert SHAPES("sent Bearer abcdefgh.ijk-lmn to /api") == "sent Bearer [REDACTED] to /api"


def test_a_cookie_header_value_is_replaced() -> None:
    text = "> Cookie: session=5e1f2a; theme=dark\n< Set-Cookie: id=9a8b7c; Path=/; HttpOnly\n"

    assert SHAPES(text) == "> Cookie: [REDACTED]\n< Set-Cookie: [REDACTED]\n"


@pytest.mark.parametrize(
    ("url", "password"),
    [
        ("https://deploy:{}@git.example.com/org/repo.git", "s3cr3t-pa55"),
        ("redis://:{}@cache:6379/0", "c4che-pa55"),
        ("postgres://app:{}@db:5432/app?sslmode=require", "p@ss:w0rd!"),
    ],
)
def test_the_password_in_a_url_is_replaced_and_scheme_user_and_host_kept(
    url: str, password: str
) -> None:
    redacted = SHAPES(f"cloning {url.format(password)} now")

    assert redacted == f"cloning {url.format(MARKER)} now"
    assert_no_piece_of(password, redacted)


def test_a_url_without_a_password_is_left_alone() -> None:
    text = "fetch https://git.example.com:8443/org/repo.git and git@github.com:org/repo.git"

    assert SHAPES(text) == text


@pytest.mark.parametrize(
    "kind", ["RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"]
)
def test_a_pem_private_key_block_is_replaced_whole(kind: str) -> None:
    block = pem(kind)

    redacted = SHAPES(f"before\n{block}\nafter")

    assert redacted == "before\n[REDACTED]\nafter"
    assert_no_piece_of(PEM_BODY.replace("\n", ""), redacted.replace("\n", ""))


def test_a_pem_block_with_windows_line_endings_is_replaced_whole() -> None:
    block = pem(newline="\r\n")

    assert SHAPES(f"a\r\n{block}\r\nb") == "a\r\n[REDACTED]\r\nb"


def test_a_pem_block_cut_off_before_its_end_line_is_replaced_up_to_its_last_base64_line() -> None:
    cut = pem().split("-----END")[0]

    redacted = SHAPES(f"key:\n{cut}\nNext step: switch DNS")

    assert redacted == "key:\n[REDACTED]\nNext step: switch DNS"


def test_a_pem_block_inside_a_json_string_is_replaced_whole() -> None:
    text = json.dumps({"key": pem(), "user": "deploy"})

    assert json.loads(SHAPES(text)) == {"key": MARKER, "user": "deploy"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("password=hunter2! next", "password=[REDACTED] next"),
        ("token: abc123\nnext: line", "token: [REDACTED]\nnext: line"),
        ("secret=s3kr1t", "secret=[REDACTED]"),
        ("Password:hunter2", "Password:[REDACTED]"),
        ('"client_secret": "two words"', '"client_secret": "[REDACTED]"'),
        ("DB_PASSWORD='pa ss'", "DB_PASSWORD='[REDACTED]'"),
        ('{"token":"a\\"b"}', '{"token":"[REDACTED]"}'),
        ("https://api/?access_token=abc&page=2", "https://api/?access_token=[REDACTED]&page=2"),
        (
            "//registry.npmjs.org/:_authToken=npm-x1y2",
            "//registry.npmjs.org/:_authToken=[REDACTED]",
        ),
        ("api_key = k-123, region = eu", "api_key = [REDACTED], region = eu"),
    ],
)
def test_the_value_of_a_secret_key_value_pair_is_replaced_and_the_key_kept(
    text: str, expected: str
) -> None:
    assert SHAPES(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "pytest_cutover/token.py:42: in run",
        "tests/test_secret.py::test_it PASSED",
        "require_password: true",
        "token: null",
        "assert token == expected",
        "the password is wrong",
        "3 passed, 0 tokens leaked",
    ],
)
def test_text_that_only_mentions_a_secret_word_is_left_alone(text: str) -> None:
    assert SHAPES(text) == text


def test_a_secret_word_in_a_character_that_changes_length_in_lower_case_is_still_found() -> None:
    # "İ".lower() is two characters long, so the text is searched ignoring case instead.
    assert SHAPES("İstanbul PASSWORD=hunter2") == "İstanbul PASSWORD=[REDACTED]"


# -- extra patterns -------------------------------------------------------------------------


def test_an_extra_pattern_replaces_its_whole_match() -> None:
    redactor = build_redactor({}, [r"INC-\d{6}"])

    assert redactor("see INC-123456 and INC-12") == "see [REDACTED] and INC-12"


def test_an_extra_pattern_with_a_secret_group_replaces_only_that_group() -> None:
    redactor = build_redactor({}, [r"vault:(?P<secret>[a-z0-9]+)/"])

    assert redactor("read vault:k8s9x/db") == "read vault:[REDACTED]/db"


def test_a_match_in_which_the_secret_group_takes_no_part_is_left_alone() -> None:
    redactor = build_redactor({}, [r"id-\d+(?:-(?P<secret>\w+))?"])

    assert redactor("id-7-abc id-8") == "id-7-[REDACTED] id-8"


def test_an_extra_pattern_that_matches_nothing_but_empty_text_changes_nothing() -> None:
    assert build_redactor({}, ["x*"])("abc") == "abc"


def test_a_bad_extra_pattern_gives_a_value_error_that_names_the_pattern() -> None:
    with pytest.raises(ValueError, match=r"'\(unclosed' is not a valid regular expression") as info:
        parse_extra_pattern("(unclosed")

    assert "missing )" in str(info.value)


def test_building_a_redactor_with_a_bad_extra_pattern_gives_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"'\[a-' is not a valid regular expression"):
        build_redactor({}, ["ok", "[a-"])


def test_a_good_extra_pattern_is_compiled_as_given() -> None:
    pattern = parse_extra_pattern(r"(?i)ticket (?P<secret>\d+)")

    assert pattern.pattern == r"(?i)ticket (?P<secret>\d+)"
    assert pattern.groupindex == {"secret": 1}


# -- overlap and idempotence ----------------------------------------------------------------


def test_overlapping_finds_of_different_patterns_are_covered_by_one_marker() -> None:
    redactor = build_redactor({"API_TOKEN": "4242-zyxwvu"}, [r"abc-\d+"])

    redacted = redactor("id abc-4242-zyxwvu end")

    assert redacted == "id [REDACTED] end"
    assert_no_piece_of("abc-4242-zyxwvu", redacted)


def test_a_token_that_is_also_the_value_of_a_key_is_replaced_once() -> None:
    token = "ghp_" + ALNUM_36

    assert SHAPES(f"GITHUB_TOKEN={token}x") == "GITHUB_TOKEN=[REDACTED]"


def test_touching_finds_become_one_marker_that_does_not_tell_their_lengths() -> None:
    redactor = build_redactor({"A_TOKEN": "first-part", "B_TOKEN": "second-part"})

    assert redactor("first-partsecond-part") == MARKER


IDEMPOTENCE_CASES = [
    "Authorization: Bearer [REDACTED]",
    "https://deploy:[REDACTED]@git.example.com",
    "password=[REDACTED] token: [REDACTED]",
    '"client_secret": "[REDACTED]"',
    "[REDACTED][REDACTED] [REDACTED]",
    "[REDACTED]",
    f"{AWS_KEY_ID} password=x https://u:p@h {pem()} ghp_{ALNUM_36}",
    "DACTED] in [REDACTED]DACTED]",
    "secret-value-x9 and [REDACTED]secret-value-x9",
]


@pytest.mark.parametrize("text", IDEMPOTENCE_CASES)
def test_redacting_twice_is_the_same_as_redacting_once(text: str) -> None:
    redactor = build_redactor(
        {"API_TOKEN": "secret-value-x9", "OTHER_TOKEN": "DACTED]"}, [r"\]\[", r"REDA"]
    )

    once = redactor(text)

    assert redactor(once) == once


def test_mixed_text_is_redacted_idempotently_and_leaves_no_piece_of_a_secret() -> None:
    secrets = ["abcdef123456", "123456ghijkl", "p@ss:w/rd-99"]
    redactor = build_redactor(
        {f"S{i}_TOKEN": v for i, v in enumerate([*secrets, "DACTED]x", "[REDA"])},
        [r"ab+c", r"x(?P<secret>y+)z", r"\]\["],
    )
    parts = [
        *secrets,
        *("DACTED]x", "[REDA", MARKER, "[", "]", "RED", " ", "\n", "'", '"', "xyyz", "abbc"),
        *("password=", "token: ", "https://u:", "@h/", "Authorization: Bearer "),
        *(f"ghp_{ALNUM_36}", AWS_KEY_ID, pem(), pem().split("-----END")[0]),
    ]
    texts = random.Random(2024)

    for _ in range(2000):
        text = "".join(texts.choice(parts) for _ in range(texts.randint(0, 12)))
        once = redactor(text)

        assert redactor(once) == once, text
        for secret in secrets:
            assert_no_piece_of(secret, once)


@pytest.mark.parametrize("text", IDEMPOTENCE_CASES[:6])
def test_already_redacted_text_is_left_as_it_is(text: str) -> None:
    assert SHAPES(text) == text


def test_a_secret_value_that_is_part_of_the_marker_does_not_cut_into_markers() -> None:
    redactor = build_redactor({"API_TOKEN": "DACTED"})

    assert redactor("[REDACTED] DACTED") == "[REDACTED] [REDACTED]"


def test_a_secret_inside_a_long_unbroken_blob_is_found() -> None:
    redactor = build_redactor({"API_TOKEN": "needle-7c1d"}, [r"INC-\d+"])
    blob = ("A1b2C3d4" * 250_000) + " needle-7c1d " + ("token" * 100_000)
    assert "needle-7c1d" not in redactor(blob)


# -- mappings -------------------------------------------------------------------------------


def test_a_mapping_value_under_a_secret_looking_key_becomes_the_marker_whole() -> None:
    data = {"DB_PASSWORD": "x", "API_TOKEN": 12345, "credentials": {"user": "app"}, "HOME": "/"}

    assert SHAPES.mapping(data) == {
        "DB_PASSWORD": MARKER,
        "API_TOKEN": MARKER,
        "credentials": MARKER,
        "HOME": "/",
    }


def test_other_strings_in_a_mapping_are_redacted_and_other_values_kept() -> None:
    redactor = build_redactor({"API_TOKEN": "tok-5a6b7c8d"})
    data: dict[str, object] = {
        "Python": "3.11.7",
        "port": 5432,
        "ok": True,
        "nothing": None,
        "CI_URL": "https://ci:pw-9q8r@ci.example.com",
        "Packages": {"pytest": "8.3.0", "note": "uses tok-5a6b7c8d", "SECRET": "x"},
        "argv": ["deploy", "tok-5a6b7c8d"],
        "pair": ("a", "tok-5a6b7c8d"),
    }

    assert redactor.mapping(data) == {
        "Python": "3.11.7",
        "port": 5432,
        "ok": True,
        "nothing": None,
        "CI_URL": "https://ci:[REDACTED]@ci.example.com",
        "Packages": {"pytest": "8.3.0", "note": "uses [REDACTED]", "SECRET": MARKER},
        "argv": ["deploy", MARKER],
        "pair": ("a", MARKER),
    }


def test_redacting_a_mapping_leaves_the_original_untouched() -> None:
    data: dict[str, object] = {"API_TOKEN": "x", "nested": {"url": "https://u:pw1234@h"}}

    SHAPES.mapping(data)

    assert data == {"API_TOKEN": "x", "nested": {"url": "https://u:pw1234@h"}}


def test_a_secret_in_a_mapping_key_is_redacted_too() -> None:
    redactor = build_redactor({"API_TOKEN": "tok-5a6b7c8d"})

    assert redactor.mapping({"run tok-5a6b7c8d": 1}) == {"run [REDACTED]": 1}


# -- the redactor itself --------------------------------------------------------------------


def test_the_redactor_keeps_its_values_longest_first_without_duplicates() -> None:
    redactor = Redactor(("abcd", "abcdefgh", "", "abcd", "wxyz1"))

    assert redactor.values == ("abcdefgh", "wxyz1", "abcd")


def test_the_redactor_never_shows_its_values_in_its_repr() -> None:
    redactor = build_redactor({"API_TOKEN": "tok-5a6b7c8d"}, ["INC-1"])

    assert "tok-5a6b7c8d" not in repr(redactor)
    assert repr(redactor) == f"Redactor(values=<{len(redactor.values)} hidden>, patterns=1)"


# -- the run's redactor: in step with the environment ----------------------------------------


def test_the_run_redactor_finds_a_secret_variable_set_after_it_was_built() -> None:
    environ = {"HOME": "/root"}
    redactor = RunRedactor(environ)
    assert redactor("session late-tok-1234") == "session late-tok-1234"

    environ["SESSION_TOKEN"] = "late-tok-1234"

    assert redactor("session late-tok-1234") == f"session {MARKER}"
    assert redactor.generation == 1


def test_the_run_redactor_finds_a_new_value_of_a_secret_variable_it_knew() -> None:
    environ = {"DB_PASSWORD": "first-pw-1234"}
    redactor = RunRedactor(environ)

    environ["DB_PASSWORD"] = "second-pw-5678"  # the same number of variables

    assert redactor("first-pw-1234 second-pw-5678") == f"{MARKER} {MARKER}"


def test_a_secret_value_stays_redacted_after_its_variable_is_removed() -> None:
    environ = {"DB_PASSWORD": "gone-pw-1234"}
    redactor = RunRedactor(environ)

    del environ["DB_PASSWORD"]

    assert redactor("was gone-pw-1234") == f"was {MARKER}"


def test_the_run_redactor_is_built_again_only_when_a_new_secret_appears() -> None:
    environ = {"API_TOKEN": "tok-5a6b7c8d"}
    redactor = RunRedactor(environ)
    first = redactor.refresh()
    environ["LANG"] = "C.UTF-8"
    environ["API_TOKEN_COPY"] = "tok-5a6b7c8d"  # a known value under a new name

    for _ in range(3):
        redactor("tok-5a6b7c8d")

    assert redactor.refresh() is first
    assert redactor.generation == 0


def test_the_run_redactor_redacts_the_values_it_is_given_and_its_extra_patterns() -> None:
    redactor = RunRedactor({}, [r"INC-\d+"], given=["plan-literal-7c1e"])

    assert redactor("plan-literal-7c1e INC-42") == f"{MARKER} {MARKER}"
    assert "plan-literal-7c1e" not in repr(redactor)


def test_the_secret_values_of_a_plans_env_are_those_under_secret_looking_names() -> None:
    envs = [{"API_TOKEN": "plan-tok-1", "LANG": "C", "DB_PASSWORD": "plan-pw-2"}, {}]

    assert secret_env_values(envs) == ["plan-tok-1", "plan-pw-2"]


def test_every_string_of_a_document_is_redacted_deep_and_the_rest_kept() -> None:
    document = {"checks": [{"message": "pw hunter22", "n": 1, "hunter22": ("x", "hunter22")}]}

    assert Redactor(("hunter22",)).deep(document) == {
        "checks": [{"message": f"pw {MARKER}", "n": 1, MARKER: ("x", MARKER)}]
    }


# -- test ids ---------------------------------------------------------------------------------


def test_an_id_with_a_secret_gets_a_short_digest_that_is_the_same_every_time() -> None:
    shown = redacted_id(Redactor(("hunter22",)), "db-hunter22")

    assert shown == redacted_id(Redactor(("hunter22",)), "db-hunter22")
    assert shown is not None
    assert re.fullmatch(r"db-REDACTED-[0-9a-f]{8}", shown)


def test_ids_with_different_secrets_stay_distinct() -> None:
    redactor = Redactor(("hunter22", "swordfish"))

    assert redacted_id(redactor, "hunter22") != redacted_id(redactor, "swordfish")


def test_an_id_without_a_secret_is_left_to_pytest() -> None:
    assert redacted_id(Redactor(("hunter22",)), "db-primary") is None


def test_a_redacted_id_is_shown_in_ascii_like_pytests_own() -> None:
    shown = redacted_id(Redactor(("hunter22",)), "café-hunter22")

    assert shown is not None
    assert shown.isascii()
    assert shown.startswith("caf\\xe9-REDACTED-")


def test_the_marker_is_fixed() -> None:
    assert MARKER == "[REDACTED]"


def test_the_docstring_examples_hold() -> None:
    failures, tried = doctest.testmod(redact, optionflags=doctest.ELLIPSIS)

    assert failures == 0
    assert tried >= 6
