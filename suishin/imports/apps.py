from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "suishin.imports"
    label = "imports"
    verbose_name = "ファイル取込"

    def ready(self) -> None:
        from suishin.accounts import scoping
        from suishin.imports import models as m

        # Branch committees see the batches they uploaded for their own branch.
        scoping.register(m.ImportBatch, branch="branch", member=None)
