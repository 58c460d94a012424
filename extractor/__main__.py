"""``python -m extractor`` runs the command line."""

from extractor.cli import app

if __name__ == "__main__":
    app()
