from bot.cli.common import print_result


def test_figures_print_as_aligned_lines_with_each_half_under_its_name(capsys) -> None:
    print_result({"questions": 2, "halves": {"A": {"recall@1": 1.0}, "B": {"recall@1": 0.5}}}, False)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].strip() == "questions: 2" and lines[1] == "halves:"
    assert [line.strip() for line in lines[2:]] == ["A:", "recall@1: 1.0", "B:", "recall@1: 0.5"]
    assert lines[3].index(":") > lines[0].index(":")  # a nested figure sits to the right
