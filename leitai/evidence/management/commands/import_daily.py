from leitai.core.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the platform's daily data (灯塔-党建在线) from .xlsx or .csv, long or wide "
        "(preview, then confirm); written in short batches, current at the end."
    )
    kind = "daily"
