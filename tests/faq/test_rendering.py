import pytest

from faq.rendering import markdown_to_text, render_markdown


def test_markdown_becomes_html():
    html = render_markdown("## Steps\n\n1. Open **My orders**\n2. Pick the order\n\n[Track](https://example.com/t)")
    assert "<h2>Steps</h2>" in html
    assert "<strong>My orders</strong>" in html
    assert "<ol>" in html
    assert 'href="https://example.com/t"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize("source, forbidden", [
    ("<script>alert(1)</script>", "<script"),
    ('<img src="x.png" onerror="alert(1)">', "onerror"),
    ("[click](javascript:alert(1))", "javascript:"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ("[x](JaVaScRiPt:alert(1))", "alert"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<p style="background:url(javascript:alert(1))">x</p>', "style="),
    ('<svg onload="alert(1)"></svg>', "onload"),
    ("<form action='/x'><input name=a></form>", "<form"),
])
def test_nothing_an_author_types_can_run_script(source, forbidden):
    html = render_markdown(f"Before\n\n{source}\n\nAfter")
    assert forbidden.lower() not in html.lower()
    assert "Before" in html and "After" in html


def test_images_keep_a_safe_source():
    html = render_markdown('![Parcel](https://example.com/p.png "label")')
    assert '<img alt="Parcel" src="https://example.com/p.png" title="label">' in html


def test_plain_text_for_the_index_has_no_markup():
    assert markdown_to_text("## Title\n\nSome *text* & <b>more</b>\n\n- one\n- two") == \
        "Title Some text & more one two"
