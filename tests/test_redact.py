from __future__ import annotations

import logging

from replicost.redact import RedactingFilter, redact, register_secret


def test_registered_secret_and_credential_shapes_are_masked():
    register_secret("sekrit-value-123456")
    assert "sekrit-value-123456" not in redact("url?x=sekrit-value-123456&y=1")
    assert redact("Authorization: Bearer abcdefgh12345678") == "Authorization: Bearer ***"
    assert redact("got r8_AbCdEf0123456789xyz in a message") == "got r8_*** in a message"


def test_plain_words_after_token_or_bearer_survive():
    for text in ("token rejected by the API", "Bearer authentication required", "token expired"):
        assert redact(text) == text


def test_logging_filter_masks_messages(caplog):
    register_secret("another-secret-9876")
    logger = logging.getLogger("replicost.test")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="replicost.test"):
        logger.info("request with %s", "another-secret-9876")
    assert "another-secret-9876" not in caplog.text
    assert "***" in caplog.text
