from leitai.core.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import the organisation tree from .xlsx or .csv (preview, then confirm)."
    kind = "orgs"
