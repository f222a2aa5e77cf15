"""``body.img-alt``: which images of a body need alt text, and at which line each is
reported (the first ``LOCATED`` at the line naming them; then the body's first line, so a
hostile body of thousands of images costs no more than reading it ``LOCATED`` times)."""

from __future__ import annotations

from builders import item

from warta.model.photo import LOCATED, check_body_images


def test_alt_text_must_say_something() -> None:
    body = "Isi.\n\n![](a.jpg)\n\n![Warga](b.jpg)\n\n<img src='c.jpg'>\n\n![\u200b](d.jpg)\n"
    images = [("a.jpg", ""), ("b.jpg", "Warga"), ("c.jpg", None), ("d.jpg", "\u200b\u3164 ")]
    news = item(body=body)
    found = list(check_body_images(news, images))
    assert [f.rule for f in found] == ["body.img-alt"] * 3
    assert news.body_line is not None
    assert [f.line for f in found] == [news.body_line + n for n in (2, 6, 8)]
    assert "found empty alt text" in found[0].message
    assert "found no alt text" in found[1].message


def test_each_image_once_and_the_line_looked_for_a_bounded_number_of_times() -> None:
    count = LOCATED + 30
    body = "\n".join(f"![](f{n}.jpg)" for n in range(count)) + "\n"
    images = [(f"f{n}.jpg", "") for n in range(count)] * 2  # each twice: reported once
    news = item(body=body)
    found = list(check_body_images(news, images))
    assert news.body_line is not None
    assert len(found) == count
    lines = [f.line for f in found]
    assert lines[:LOCATED] == [news.body_line + n for n in range(LOCATED)]
    assert lines[LOCATED:] == [news.body_line] * (count - LOCATED)
