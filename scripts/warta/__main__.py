from warta.cli import run

run()
