from helpers import Repo


def test_approved_item_is_publishable_and_validates_clean(repo: Repo) -> None:
    path = repo.approved_item("Bupati Resmikan Jembatan Cibening")
    data = repo.validate_json()
    (entry,) = data["items"]
    assert entry["path"] == path.relative_to(repo.root).as_posix()
    assert entry["status"] == "disetujui"
    assert entry["publishable"] is True
    assert [f for f in entry["findings"] if f["severity"] == "error"] == []
