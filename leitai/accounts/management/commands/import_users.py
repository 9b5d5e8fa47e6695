from leitai.core.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import accounts and their roles from .xlsx or .csv (preview, then confirm)."
    kind = "users"
