"""``warta init`` and the roster commands, through the installed CLI: a new office's
repository, people added, keys revoked, and what an administrator refuses to sign."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from helpers import (
    OFFICE,
    Repo,
    git,
    init_office,
    machine_env,
    pub,
    run,
    warta_exe,
    weak_rsa_key,
)


def test_init_makes_a_committed_office_repository_without_warta_source(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    office, out = init_office(tmp_path, keys, "--admin-forge", "github:pemda-admin")
    tracked = sorted(git(office.root, "ls-files").split())
    assert "pyproject.toml" not in tracked
    assert not [p for p in tracked if p.startswith(("scripts/", "tests/"))]
    for needed in (
        ".gitignore",
        "README.md",
        "content/index.md",
        "content/tentang.md",
        "mkdocs.yml",
        "workflow/roster.yml",
        "workflow/roster.yml.sig",
        "workflow/site-manifest.yml",
        "workflow/site-manifest.yml.sig",
        "workflow/sop.yml",
        "workflow/sop.yml.sig",
        "workflow/trust-root",
        "CODEOWNERS",
        ".github/workflows/warta.yml",
        ".forgejo/workflows/warta.yml",
        ".gitlab-ci.yml",
    ):
        assert needed in tracked
    from warta import __version__

    for ci in (".github/workflows/warta.yml", ".forgejo/workflows/warta.yml", ".gitlab-ci.yml"):
        text = office.read(ci)
        assert f'WARTA_VERSION: "{__version__}"' in text
        assert "pip install -e" not in text
    assert git(office.root, "status", "--porcelain") == ""
    assert git(office.root, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    # the pin printed is the trust root's, and the trust root holds only the admin's key
    shown = office.cli("trust", "show").stdout.split()
    assert shown[0] == office.env["WARTA_TRUST_ROOT"]
    assert office.read("workflow/trust-root").count("ssh-ed25519") == 1
    # the office's own id, which every signature in it covers
    trust = office.read("workflow/trust-root").splitlines()
    named = [ln for ln in trust if ln.startswith("office")]
    assert len(named) == 1 and re.fullmatch(r"office kabupaten-sukamaju-[0-9a-f]{12}", named[0])
    assert pub(keys["admin"]) in office.read("workflow/trust-root")
    assert "DEMO" not in office.read("workflow/roster.yml")
    assert "demo:" not in office.read("workflow/roster.yml")
    assert "Kabupaten Sukamaju" in office.read("mkdocs.yml")
    assert "site_url: \"https://warta.sukamajukab.go.id/\"" in office.read("mkdocs.yml")
    assert "WARTA_TRUST_ROOT" in out and "warta hook install" in out
    owners = office.read("CODEOWNERS").split("\n")
    assert "* @pemda-admin" in owners
    assert "# /content/berita/ (nobody: no account in the roster)" in owners
    # everything validates, with no finding at all under the pin
    result = office.cli("validate", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 0 warning(s)" in result.stdout


def test_init_then_build_makes_a_site_that_says_there_is_no_news_yet(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    office, _ = init_office(tmp_path, keys, "--timezone", "WITA")
    assert "timezone: Asia/Makassar" in office.read("workflow/sop.yml")
    result = office.cli("build", "--strict")
    assert result.returncode == 0, result.stderr
    home = office.read("site/index.html")
    assert "Belum ada berita." in home
    assert "Warta Kabupaten Sukamaju" in home


def test_the_internal_report_of_a_new_office_is_never_left_in_its_checkout(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """`warta laporan` wrote laporan-PERIOD.html where it ran, by default the checkout,
    where `git add -A` and a push published a report that names people; the office's
    .gitignore, which is in the repository, could be undone by a pushed line (found by
    independent attacks). The report goes to ~/warta-laporan/ by default, from the top or
    from a folder below it, whatever the .gitignore says."""
    office, _ = init_office(tmp_path, keys)
    office.write(".gitignore", office.read(".gitignore") + "!/laporan-*.html\n")
    office.commit_all("tampilkan laporan")
    home = tmp_path / "home"
    home.mkdir()
    for where, period in ((office.root, "2026-11"), (office.root / "workflow", "2026-10")):
        result = subprocess.run(
            [warta_exe(), "--lang", "en", "laporan", "--periode", period], cwd=where,
            env={**os.environ, **office.env, "HOME": str(home)}, capture_output=True,
            text=True, check=False,
        )
        assert result.returncode == 0, result.stderr
        assert (home / "warta-laporan" / f"laporan-{period}.html").is_file()
    assert git(office.root, "status", "--porcelain", "--untracked-files=all") == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--office", "kabupaten; rm -rf /", "--site-url", "https://a.go.id"), "--office"),
        (("--office", "Kabupaten Sukamaju", "--site-url", "http://a.go.id"), "--site-url"),
        (
            ("--office", "Kabupaten Sukamaju", "--site-url", "https://a.go.id/?x=\"\n"),
            "--site-url",
        ),
        (("--office", "Kabupaten Sukamaju", "--site-url", "https://a.go.id", "--timezone",
          "UTC"), "--timezone"),
    ],
)
def test_init_refuses_bad_options_and_leaves_nothing(
    tmp_path: Path, keys: dict[str, Path], args: tuple[str, ...], message: str
) -> None:
    result = run(tmp_path, "init", "kominfo", *args, "--admin-key", str(keys["admin"]))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_init_never_writes_into_a_folder_that_holds_files(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    (tmp_path / "kominfo").mkdir()
    (tmp_path / "kominfo" / "catatan.txt").write_text("penting\n")
    result = run(tmp_path, "init", "kominfo", *OFFICE, "--admin-key", str(keys["admin"]))
    assert result.returncode == 2
    assert "not empty" in result.stderr
    assert [p.name for p in (tmp_path / "kominfo").iterdir()] == ["catatan.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kominfo"]


def test_init_refuses_a_demo_key(tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parents[1] / "demo" / "keys" / "admin_ed25519"
    key = tmp_path / "demo_admin"
    key.write_bytes(demo.read_bytes())
    key.chmod(0o600)
    Path(f"{key}.pub").write_bytes(Path(f"{demo}.pub").read_bytes())
    result = run(tmp_path, "init", "kominfo", *OFFICE, "--admin-key", str(key))
    assert result.returncode == 1
    assert "DEMO" in result.stderr
    assert not (tmp_path / "kominfo").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".warta-init-")]


def _add(office: Repo, *args: str, key: str = "admin") -> subprocess.CompletedProcess[str]:
    return office.cli("roster", "add", *args, "--admin-key", str(office.keys[key]))


def test_roster_add_revoke_show_each_signed_and_committed(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    office, _ = init_office(tmp_path, keys, "--admin-forge", "github:pemda-admin")
    head = git(office.root, "rev-parse", "HEAD")
    added = _add(
        office, "sri", "--name", "Sri Rahayu, S.Sos.", "--nip", "198203152006042011",
        "--role", "kasubag", "--key", f"{keys['sri']}.pub", "--forge", "github:sri-r",
        "--education", "S1 Sosiologi",
    )
    assert added.returncode == 0, added.stderr
    assert "+ sri: role kasubag" in added.stdout
    assert git(office.root, "status", "--porcelain") == ""
    assert git(office.root, "rev-list", "--count", f"{head.strip()}..HEAD").strip() == "1"
    # CODEOWNERS follows the roster in the same commit: the Kasubag now owns the news
    assert "/content/berita/ @sri-r" in office.read("CODEOWNERS").split("\n")
    assert "CODEOWNERS" in git(office.root, "show", "--name-only", "--format=", "HEAD").split()
    assert office.cli("codeowners", "--check").returncode == 0
    subject = git(office.root, "log", "-1", "--format=%s%n%b")
    assert subject.startswith("roster: sri: Sri Rahayu")
    assert "Warta-Admin: admin" in subject
    # Plt. Kabag for a month: a role added to a person already listed
    acting = _add(office, "sri", "--role", "kabag", "--from", "2026-12-10", "--until",
                  "2027-01-09", "--acting")
    assert acting.returncode == 0, acting.stderr
    shown = office.cli("roster", "show")
    assert shown.returncode == 0
    assert "role: kabag (Kepala Bagian Kominfo dan Humas) 2026-12-10 to 2027-01-09 (Plt.)" \
        in shown.stdout
    assert "forge: github:sri-r" in shown.stdout
    from warta.model.signing import fingerprint

    sri_fp = fingerprint(pub(keys["sri"]))
    assert f"key: {sri_fp}" in shown.stdout
    revoked = office.cli("roster", "revoke", "sri", "--key", sri_fp, "--on", "2026-12-20",
                         "--reason", "laptop hilang", "--admin-key", str(keys["admin"]))
    assert revoked.returncode == 0, revoked.stderr
    shown = office.cli("roster", "show").stdout
    assert f"key: {sri_fp} since" in shown and "revoked 2026-12-20 (laptop hilang)" in shown
    indonesian = office.cli("--lang", "id", "roster", "show").stdout
    assert f"kunci: {sri_fp} sejak" in indonesian
    assert "dicabut 2026-12-20 (laptop hilang)" in indonesian
    assert "peran: kabag (Kepala Bagian Kominfo dan Humas) 2026-12-10 s.d. 2027-01-09 (Plt.)" \
        in indonesian
    again = office.cli("roster", "revoke", "sri", "--key", sri_fp, "--on", "2026-12-21",
                       "--reason", "lagi", "--admin-key", str(keys["admin"]))
    assert again.returncode == 1 and "already revoked" in again.stderr
    result = office.cli("validate", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr


def test_roster_add_dates_a_new_key_by_the_office_s_day_and_warta_s_clock(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """At 02:00 WIB on 4 December it is still 3 December in UTC: the key was valid from the
    day before it was added, and WARTA_NOW did not count (found by an independent attack)."""
    office, _ = init_office(tmp_path, keys)
    early = Repo(office.root, office.keys, {**office.env, "WARTA_NOW": "2026-12-04T02:00:00+07:00"})
    added = _add(early, "dimas", "--name", "Dimas", "--nip", "199107232015031004", "--role",
                 "staf", "--key", f"{keys['dimas']}.pub")
    assert added.returncode == 0, added.stderr
    roster = office.read("workflow/roster.yml")
    entry = roster[roster.index("- id: dimas"):]
    assert f"key: {pub(keys['dimas'])}" in entry
    assert "from: 2026-12-04" in entry, entry


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("dimas", "--name", "Dimas", "--nip", "199107232015031004", "--role", "staf",
          "--key", "{keys[dimas]}"), 2, "this is a PRIVATE key"),
        (("dimas", "--name", "Dimas", "--nip", "199107232015031004", "--role", "redaksi",
          "--key", "{keys[dimas]}.pub"), 1, "role 'redaksi' is not a role of the SOP"),
        (("dimas", "--name", "Dimas", "--nip", "199107232015031004", "--role", "staf",
          "--key", "{keys[admin]}.pub"), 1, "is already listed for admin"),
        (("dimas", "--name", "Dimas", "--role", "staf", "--key", "{keys[dimas]}.pub",
          "--forge", "github:dimas\n* @mallory"), 1, "roster.forge"),
        (("dimas", "--name", "Dimas", "--role", "staf", "--key", "{keys[dimas]}.pub",
          "--forge", "bitbucket:dimas"), 2, "--forge"),
        (("dimas", "--name", "Dimas", "--nip", "199107232015031004", "--role", "staf",
          "--from", "2026-12-31", "--until", "2026-12-01", "--key", "{keys[dimas]}.pub"), 2,
         "before --from"),
    ],
)
def test_roster_add_refuses_and_changes_nothing(
    tmp_path: Path, keys: dict[str, Path], args: tuple[str, ...], code: int, message: str
) -> None:
    office, _ = init_office(tmp_path, keys)
    head = git(office.root, "rev-parse", "HEAD")
    before = office.read("workflow/roster.yml")
    result = _add(office, *(a.format(keys=keys) for a in args))
    assert result.returncode == code, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert office.read("workflow/roster.yml") == before
    assert git(office.root, "rev-parse", "HEAD") == head
    assert git(office.root, "status", "--porcelain") == ""


def test_only_an_administrator_changes_the_roster(tmp_path: Path, keys: dict[str, Path]) -> None:
    office, _ = init_office(tmp_path, keys)
    before = office.read("workflow/roster.yml")
    result = _add(office, "mallory", "--name", "Mallory", "--nip", "199107232015031004",
                  "--role", "kabag", "--key", f"{keys['mallory']}.pub", key="mallory")
    assert result.returncode == 1
    assert "is not an administrator in workflow/trust-root" in result.stderr
    assert office.read("workflow/roster.yml") == before


def test_an_administrator_never_signs_a_roster_edit_made_by_someone_else(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """A staff member with push rights adds themselves as Kabag on a branch; the
    administrator who then adds a colleague there must not sign that edit along."""
    office, _ = init_office(tmp_path, keys)
    git(office.root, "switch", "-q", "-c", "tambah-pegawai")
    sneaked = office.read("workflow/roster.yml").replace(
        "people:\n",
        "people:\n  - id: mallory\n    name: Mallory\n    nip: \"199107232015031004\"\n"
        f"    roles: [kabag]\n    keys:\n      - key: {pub(keys['mallory'])}\n",
    )
    office.write("workflow/roster.yml", sneaked)
    git(office.root, "commit", "-qam", "rapikan roster")
    result = _add(office, "sri", "--name", "Sri", "--nip", "198203152006042011", "--role",
                  "kasubag", "--key", f"{keys['sri']}.pub")
    assert result.returncode == 1
    assert "workflow/roster.yml" in result.stderr and "warta trust sign" in result.stderr
    assert office.read("workflow/roster.yml") == sneaked
    assert "mallory" in office.read("workflow/roster.yml")
    # and the validator refuses the unsigned roster
    judged = office.cli("validate")
    assert judged.returncode == 1
    assert "workflow/roster.yml: error [workflow." in judged.stdout


def test_trust_sign_commits_what_it_signed(tmp_path: Path, keys: dict[str, Path]) -> None:
    office, _ = init_office(tmp_path, keys)
    office.write("content/tentang.md", office.read("content/tentang.md") + "\nAlamat baru.\n")
    office.write("content/kontak.md", "# Kontak\n\nJl. Merdeka 1.\n")
    result = office.cli("trust", "sign", "--key", str(keys["admin"]))
    assert result.returncode == 0, result.stderr
    assert "  + content/kontak.md" in result.stdout
    assert "  ~ content/tentang.md" in result.stdout
    assert "committed " in result.stdout
    assert git(office.root, "status", "--porcelain") == ""
    changed = git(office.root, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == [
        "content/kontak.md",
        "content/tentang.md",
        "workflow/site-manifest.yml",
        "workflow/site-manifest.yml.sig",
    ]
    # nothing new: nothing committed
    again = office.cli("trust", "sign", "--key", str(keys["admin"]))
    assert again.returncode == 0 and "nothing new to commit" in again.stdout
    # outside a git repository it asks for --no-commit instead of failing half-way
    plain = tmp_path / "plain"
    plain.mkdir()
    for rel in ("workflow", "content"):
        subprocess.run(["cp", "-r", str(office.root / rel), str(plain / rel)], check=True)
    subprocess.run(["cp", str(office.root / "mkdocs.yml"), str(plain)], check=True)
    outside = run(plain, "trust", "sign", "--key", str(keys["admin"]))
    assert outside.returncode == 2 and "--no-commit" in outside.stderr


def test_the_bundled_sop_is_the_sample_newsrooms_sop() -> None:
    """``warta init`` gives an office the SOP this repository's sample runs on: the two
    differ only in the serial and in what init fills in (organisation, time zone)."""
    from importlib import resources

    root = Path(__file__).resolve().parents[2]
    sample = (root / "workflow" / "sop.yml").read_text(encoding="utf-8").split("\n")
    bundled = resources.files("warta").joinpath("office", "sop.yml").read_text("utf-8")
    differ = [
        (a, b) for a, b in zip(sample, bundled.split("\n"), strict=True) if a != b
    ]
    assert [b.split(":")[0].strip() for _, b in differ] == [
        "serial", "organisation", "timezone"
    ]


def test_a_codeowners_header_edited_on_a_branch_does_not_steer_the_refresh(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """A colleague turns CODEOWNERS into a Forgejo file (which protects nothing on GitHub);
    the administrator's next roster change must not rewrite it for Forgejo."""
    office, _ = init_office(tmp_path, keys, "--admin-forge", "github:pemda-admin")
    git(office.root, "switch", "-q", "-c", "rapikan")
    tampered = office.read("CODEOWNERS").replace("for github;", "for forgejo;")
    office.write("CODEOWNERS", tampered)
    git(office.root, "commit", "-qam", "rapikan CODEOWNERS")
    added = _add(office, "sri", "--name", "Sri Rahayu, S.Sos.", "--nip", "198203152006042011",
                 "--role", "kasubag", "--key", f"{keys['sri']}.pub", "--forge", "github:sri-r")
    assert added.returncode == 0, added.stderr
    assert ("CODEOWNERS says it is for forgejo, but the roster names accounts on github only:"
            " not refreshed") in added.stderr
    assert office.read("CODEOWNERS") == tampered
    assert "CODEOWNERS" not in git(office.root, "show", "--name-only", "--format=", "HEAD")
    assert office.cli("codeowners", "--check", "--forge", "github").returncode == 1


def test_a_role_given_to_someone_already_listed_holds_from_today_not_for_past_days(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """``roster add ID --role R`` gave a listed person the role without a start, so it
    counted for every earlier day: a writer promoted to Kasubag in December signed the
    Kasubag's report step of an item as of November with his old key, and the November
    report credited him (found by an independent attack). The role now holds from today,
    as a key added does; ``--from`` still sets another day."""
    office, _ = init_office(tmp_path, keys)
    december = Repo(office.root, office.keys,
                    {**office.env, "WARTA_NOW": "2026-12-01T09:00:00+07:00"})
    added = _add(december, "dimas", "--name", "Dimas", "--nip", "199107232015031004", "--role",
                 "staf", "--key", f"{keys['dimas']}.pub")
    assert added.returncode == 0, added.stderr
    promoted = _add(december, "dimas", "--role", "kasubag")
    assert promoted.returncode == 0, promoted.stderr
    assert "+ dimas: role kasubag 2026-12-01 – …" in promoted.stdout
    roster = office.read("workflow/roster.yml")
    entry = roster[roster.index("- id: dimas"):]
    assert "{role: kasubag, from: 2026-12-01}" in " ".join(entry.split()), entry
    again = _add(december, "dimas", "--role", "kasubag")
    assert again.returncode == 1 and "already holds kasubag" in again.stderr
    # a role held only from a later day is not held yet: given now, it holds from today
    later = _add(december, "dimas", "--role", "kabag", "--from", "2027-01-01")
    assert later.returncode == 0, later.stderr
    now = _add(december, "dimas", "--role", "kabag")
    assert now.returncode == 0, now.stderr
    assert "+ dimas: role kabag 2026-12-01 – …" in now.stdout
    shown = december.cli("roster", "show").stdout
    assert "role: kasubag (" in shown and "2026-12-01" in shown, shown
    # a role given with its own start keeps it
    earlier = _add(december, "dimas", "--role", "kabag", "--from", "2026-11-01", "--until",
                   "2026-11-30", "--acting")
    assert earlier.returncode == 0, earlier.stderr
    assert "2026-11-01 – 2026-11-30 (Plt.)" in earlier.stdout


def _sri(office: Repo, keys: dict[str, Path], *extra: str) -> None:
    added = _add(office, "sri", "--name", "Sri Rahayu, S.Sos.", "--nip", "198203152006042011",
                 "--role", "kasubag", "--key", f"{keys['sri']}.pub", *extra)
    assert added.returncode == 0, added.stderr


def test_a_key_is_listed_once_in_its_standard_form(tmp_path: Path, keys: dict[str, Path]) -> None:
    """Found by an independent attack on the roster: a key listed twice for one person (a
    "revocation" written as a second entry, or the first spelled with base64 padding, which
    has the same fingerprint but never matches a signature, so ``roster revoke`` revoked the
    dead copy) showed as revoked and kept signing."""
    office, _ = init_office(tmp_path, keys)
    _sri(office, keys)
    key = pub(keys["sri"])
    padded = _add(office, "ayu", "--name", "Ayu", "--nip", "199402082019032007", "--role",
                  "staf", "--key", key + "==")
    assert padded.returncode == 2 and "ssh-keygen" in padded.stderr, padded.stderr
    roster = office.read("workflow/roster.yml")
    line = f"      - key: {key}\n"
    assert roster.count(line) == 1
    twice = roster.replace(line, line + "        from: 2026-01-01\n" + line
                           + "        revoked: 2026-11-01\n        reason: laptop hilang\n")
    for text, rule in ((twice, "roster.key-duplicate"),
                       (roster.replace(line, f"      - key: {key}==\n"), "roster.key")):
        office.write("workflow/roster.yml", text)
        signed = office.cli("trust", "sign", "--key", str(keys["admin"]), "--no-commit")
        assert signed.returncode == 1 and f"[{rule}]" in signed.stderr, signed.stderr
    office.write("workflow/roster.yml", roster)


def test_roster_commands_keep_an_empty_list_a_list(tmp_path: Path, keys: dict[str, Path]) -> None:
    """Found by the same attack: ``education: []`` was written back as ``education:`` (null),
    the next ``roster add PERSON --education`` ended in a traceback, and every later
    ``roster add`` was refused for the text 'None' written in its place."""
    office, _ = init_office(tmp_path, keys)
    _sri(office, keys, "--forge", "github:sri-r")
    roster = office.read("workflow/roster.yml")
    assert "education:" not in roster.split("id: sri", 1)[1]
    office.write("workflow/roster.yml", roster.replace(
        "    roles: [kasubag]\n", "    roles: [kasubag]\n    education: []\n", 1))
    office.sign_workflow(commit=True)
    for args in (("sri", "--forge", "gitlab:sri-r"), ("sri", "--education", "S1 Sosiologi")):
        changed = _add(office, *args)
        assert changed.returncode == 0 and "Traceback" not in changed.stderr, changed.stderr
    assert "None" not in office.read("workflow/roster.yml")
    assert office.cli("validate", "--strict").returncode == 0


def test_one_person_has_one_id(tmp_path: Path, keys: dict[str, Path]) -> None:
    """Found by the same attack: the staff member entered again under a second id with the
    same NIP as a Plt. Kasubag reported their own item; separation of duties saw two
    people."""
    office, _ = init_office(tmp_path, keys)
    _sri(office, keys)
    second = _add(office, "sri-plt", "--name", "Sri Rahayu, S.Sos.", "--nip",
                  "198203152006042011", "--role", "kabag", "--acting", "--key",
                  f"{keys['ayu']}.pub")
    assert second.returncode == 1 and "[roster.nip-duplicate]" in second.stderr, second.stderr
    assert "warta roster add sri --role" in second.stderr


def _revoked_in_roster(repo: Repo, person: str, reason: str) -> None:
    """``person``'s only key revoked from 1 November 2026, signed and committed."""
    line = f"      - key: {pub(repo.keys[person])}\n"
    roster = repo.read("workflow/roster.yml")
    assert line in roster
    repo.write("workflow/roster.yml", roster.replace(
        line, line + f"        revoked: 2026-11-01\n        reason: {reason}\n"))
    repo.sign_workflow(commit=True)


def test_someone_whose_keys_are_all_revoked_is_named_nowhere_to_act(
    tmp_path: Path, keys: dict[str, Path], repo: Repo
) -> None:
    """Found by the same attack: after the revocation of her only key, ``warta sign``
    refused Sri, but CODEOWNERS kept her an owner of the news, and ``warta status`` and the
    pull request's summary named her to act."""
    from warta.model.signing import fingerprint

    office, _ = init_office(tmp_path, keys)
    _sri(office, keys, "--forge", "github:sri-r")
    assert "@sri-r" in office.read("CODEOWNERS")
    revoked = office.cli("roster", "revoke", "sri", "--key", fingerprint(pub(keys["sri"])),
                         "--on", "2026-01-01", "--reason", "pindah kantor", "--admin-key",
                         str(keys["admin"]))
    assert revoked.returncode == 0, revoked.stderr
    assert "@sri-r" not in office.read("CODEOWNERS")
    # the Kasubag's step is next: Sri, her key revoked, is not named to take it
    repo.new_item("Pasar Murah", at="2026-11-02T08:00:00+07:00", slug="pasar")
    assert "Sri Rahayu" in repo.cli("status").stdout
    _revoked_in_roster(repo, "sri", "pindah kantor")
    assert "Sri Rahayu" not in repo.cli("status").stdout
    repo.git("branch", "-f", "dasar", "HEAD~1")
    summary = repo.cli("summary", "--base", "dasar").stdout
    assert "Sri Rahayu" not in summary, summary


def test_one_nip_however_written_has_one_id(tmp_path: Path, keys: dict[str, Path]) -> None:
    """Found by an independent attack on the fix above: the NIP written with dashes, dots or
    full-width digits passed as another person's."""
    office, _ = init_office(tmp_path, keys)
    _sri(office, keys)
    for nip in ("19820315-2006-04-2-011", "19820315.200604.2.011",
                "\uff11\uff19\uff18\uff12\uff10\uff13\uff11\uff15\uff12\uff10\uff10\uff16"
                "\uff10\uff14\uff12\uff10\uff11\uff11",
                # Arabic-Indic digits, which NFKC leaves as they are (found by a later attack)
                "".join(chr(0x0660 + int(c)) for c in "198203152006042011")):
        second = _add(office, "sri-plt", "--name", "Sri R.", "--nip", nip, "--role", "kabag",
                      "--acting", "--key", f"{keys['ayu']}.pub")
        assert second.returncode == 1 and "[roster.nip-duplicate]" in second.stderr, (
            nip, second.stderr)


def test_only_keys_warta_verifies_are_listed(tmp_path: Path, keys: dict[str, Path]) -> None:
    """Found by the same attack: ECDSA and security keys were accepted by the roster, the
    trust root and ``warta init``, and never verified (an administrator's ECDSA key signed
    workflow files that then stopped every build); a certificate of a colleague's key, or
    an RSA key written with a leading zero, passed as another key."""
    ecdsa = tmp_path / "ec"
    subprocess.run(["ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", str(ecdsa)],
                   check=True)
    refused = run(tmp_path, "init", "lain", *OFFICE, "--admin-key", str(ecdsa))
    assert refused.returncode == 2 and "ssh-ed25519, ssh-rsa" in refused.stderr, refused.stderr
    assert not (tmp_path / "lain").exists()
    office, _ = init_office(tmp_path, keys)
    added = _add(office, "ayu", "--name", "Ayu", "--nip", "199402082019032007", "--role",
                 "staf", "--key", f"{ecdsa}.pub")
    assert added.returncode == 2 and "ssh-ed25519, ssh-rsa" in added.stderr, added.stderr
    _sri(office, keys)
    roster = office.read("workflow/roster.yml")
    sri = pub(keys["sri"])
    cert = "ssh-ed25519-cert-v01@openssh.com " + sri.split()[1]
    elliptic = " ".join((tmp_path / "ec.pub").read_text().split()[:2])
    weak = pub(weak_rsa_key(tmp_path / "lemah"))  # 768 bits (found by a later attack)
    for text in (roster.replace(sri, elliptic), roster.replace(sri, cert),
                 roster.replace(sri, weak)):
        office.write("workflow/roster.yml", text)
        signed = office.cli("trust", "sign", "--key", str(keys["admin"]), "--no-commit")
        assert signed.returncode == 1 and "[roster.key]" in signed.stderr, signed.stderr
    office.write("workflow/roster.yml", roster)
    root = office.read("workflow/trust-root")
    admin = " ".join(pub(keys["admin"]).split()[:2])
    office.write("workflow/trust-root", root.replace(admin, elliptic))
    checked = office.cli("validate", "--no-cache", "--trust-root",
                         "sha256:" + "0" * 64)
    assert checked.returncode == 2 and "[trust.format]" in checked.stdout + checked.stderr, (
        checked.stdout + checked.stderr)


def test_the_fix_of_a_blocked_item_names_nobody_whose_keys_are_all_revoked(
    repo: Repo,
) -> None:
    """Found by the same attack: an item only a return can fix named the Kabag whose only
    key was revoked as the one to sign the return (``warta status`` and its JSON)."""
    import json

    path = repo.new_item("Pasar Murah", at="2026-11-16T08:00:00+07:00", slug="pasar")
    repo.sign(path, "sri", "2026-11-16T08:04:00+07:00")
    repo.sign(path, "dimas", "2026-11-16T09:00:00+07:00")
    repo.sign(path, "sri", "2026-11-16T09:04:00+07:00")
    path.write_text(path.read_text(encoding="utf-8") + "\nTambahan kalimat.\n",
                    encoding="utf-8")
    repo.commit_all("diubah setelah dilaporkan")

    def fixers() -> list[str]:
        shown = repo.cli("status", "--format", "json")
        assert shown.returncode in (0, 1), shown.stderr

        def walk(node: object) -> list[str]:
            if isinstance(node, dict):
                found = list(node["fix"].get("people") or []) if isinstance(
                    node.get("fix"), dict) else []
                return found + [p for v in node.values() for p in walk(v)]
            if isinstance(node, list):
                return [p for v in node for p in walk(v)]
            return []

        return walk(json.loads(shown.stdout))

    assert "hendra" in fixers()
    _revoked_in_roster(repo, "hendra", "laptop hilang")
    assert "hendra" not in fixers()
    assert "Hendra" not in repo.cli("status").stdout.split("Fix:", 1)[-1]


@pytest.mark.parametrize("rel", ["workflow/roster.yml", "workflow/sop.yml"])
def test_a_workflow_file_that_is_a_link_is_refused_by_every_admin_command_without_a_traceback(
    tmp_path: Path, keys: dict[str, Path], rel: str
) -> None:
    """A branch can commit a workflow file as a link (or one over 1 MiB): ``roster add``,
    ``roster revoke`` and ``trust sign`` ended in a traceback (found by an independent
    attack). Now each refuses, says which file, and signs nothing."""
    office, _ = init_office(tmp_path, keys)
    (office.root / rel).unlink()
    (office.root / rel).symlink_to("../README.md" if (office.root / "README.md").exists()
                                   else "../mkdocs.yml")
    git(office.root, "add", "-A")
    git(office.root, "commit", "-qm", "tautan")
    head = git(office.root, "rev-parse", "HEAD")
    signed = office.cli("trust", "sign", "--key", str(keys["admin"]))
    added = _add(office, "sri", "--name", "Sri", "--nip", "198203152006042011", "--role",
                 "kasubag", "--key", f"{keys['sri']}.pub")
    revoked = office.cli("roster", "revoke", "admin", "--key", f"{keys['admin']}.pub",
                         "--on", "2026-11-01", "--reason", "hilang", "--admin-key",
                         str(keys["admin"]))
    for result in (signed, added, revoked):
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode in (1, 2), result.stderr
        assert rel in result.stderr, result.stderr
    assert signed.returncode == 2 and "nothing was signed" in signed.stderr
    assert git(office.root, "rev-parse", "HEAD") == head
    assert git(office.root, "status", "--porcelain") == ""


@pytest.mark.parametrize("how", ["folder", "outsized"])
def test_trust_sign_refused_midway_leaves_every_file_as_it_was(
    tmp_path: Path, keys: dict[str, Path], how: str
) -> None:
    """``roster.yml.sig`` committed as a folder: the manifest was rewritten and the serial
    raised, then the signature could not be written, and both stayed changed and unsigned,
    after a traceback (found by an independent attack). Now it is refused before anything
    is written."""
    office, _ = init_office(tmp_path, keys)
    office.write("content/tentang.md", office.read("content/tentang.md") + "\nAlamat baru.\n")
    office.write("workflow/roster.yml", office.read("workflow/roster.yml") + "# diperbarui\n")
    sig = office.root / "workflow" / "roster.yml.sig"
    sig.unlink()
    if how == "folder":
        sig.mkdir()
        (sig / "x").write_text("x\n", encoding="utf-8")
    else:  # (each file is held to be put back: gigabytes of zeros pack to almost nothing)
        sig.write_bytes(b"0" * (2 << 20))
    files = ("workflow/roster.yml", "workflow/sop.yml", "workflow/site-manifest.yml",
             "workflow/sop.yml.sig", "workflow/site-manifest.yml.sig")
    before = {rel: office.path(rel).read_bytes() for rel in files}
    result = office.cli("trust", "sign", "--key", str(keys["admin"]))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "workflow/roster.yml.sig" in result.stderr and "nothing was signed" in result.stderr
    assert {rel: office.path(rel).read_bytes() for rel in files} == before


def test_trust_sign_stopped_at_a_later_signature_puts_every_file_back(
    tmp_path: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signature that fails after others were written (a key refused, Ctrl-C at the
    passphrase): every file is as it was before."""
    from warta import administer
    from warta.adapters.ssh import KeygenSigner
    from warta.staffing import admin_signer

    office, _ = init_office(tmp_path, keys)
    office.write("content/tentang.md", office.read("content/tentang.md") + "\nAlamat baru.\n")
    office.write("workflow/roster.yml", office.read("workflow/roster.yml") + "# diperbarui\n")
    office.write("workflow/sop.yml", office.read("workflow/sop.yml") + "# diperbarui\n")
    files = [p.relative_to(office.root).as_posix()
             for p in sorted((office.root / "workflow").iterdir())]
    before = {rel: office.path(rel).read_bytes() for rel in files}
    real = administer.sign_workflow
    made: list[Path] = []

    def second_fails(root: Path, rel: Path, signer: KeygenSigner, office: str | None) -> Path:
        if made:
            raise KeyboardInterrupt
        made.append(real(root, rel, signer, office))
        return made[-1]

    monkeypatch.setattr(administer, "sign_workflow", second_fails)
    with pytest.raises(KeyboardInterrupt):
        administer.sign_all(office.root, admin_signer(office.root, keys["admin"]))
    assert made  # one signature was written, then put back
    assert sorted(p.relative_to(office.root).as_posix()
                  for p in (office.root / "workflow").iterdir()) == files
    assert {rel: office.path(rel).read_bytes() for rel in files} == before


@pytest.mark.parametrize("umask", [0o002, 0o022])
def test_files_warta_writes_keep_their_mode_or_take_the_umask(
    tmp_path: Path, keys: dict[str, Path], umask: int
) -> None:
    """Every file Warta wrote was 0600 (its temporary file's mode): after a colleague signed,
    an item in a checkout the office shares was unreadable to the others (found by an
    independent attack). Now a file replaced keeps its mode, a new one takes the umask, and
    the caches and records of this user stay private."""
    office, _ = init_office(tmp_path, keys)
    office = Repo(office.root, office.keys, {**office.env, **machine_env(tmp_path / "m")})
    roster = office.path("workflow/roster.yml")
    office.write("workflow/roster.yml", office.read("workflow/roster.yml") + "# diperbarui\n")
    roster.chmod(0o664)
    office.path("workflow/roster.yml.sig").chmod(0o640)
    office.path("workflow/sop.yml.sig").unlink()  # (a new file: signed anew)
    result = office.cli("trust", "sign", "--key", str(keys["admin"]), umask=umask)
    assert result.returncode == 0, result.stderr
    assert roster.stat().st_mode & 0o777 == 0o664
    assert office.path("workflow/roster.yml.sig").stat().st_mode & 0o777 == 0o640
    assert office.path("workflow/sop.yml.sig").stat().st_mode & 0o777 == 0o666 & ~umask
    assert office.cli("validate", umask=umask).returncode == 0
    made = [p for p in (tmp_path / "m").rglob("*") if p.is_file()]
    assert any("xdg_cache_home" in str(p) for p in made), made
    assert all(p.stat().st_mode & 0o077 == 0 for p in made), [
        (p, oct(p.stat().st_mode)) for p in made]
