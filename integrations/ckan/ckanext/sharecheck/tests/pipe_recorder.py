"""A test plugin on the receiving end of IPipeValidation, where ckanext-xloader sits in a portal."""
from ckan import plugins

from ckanext.sharecheck.interfaces import IPipeValidation


class PipeRecorder(plugins.SingletonPlugin):
    plugins.implements(IPipeValidation)
    received: list = []

    def receive_validation_report(self, validation_report):
        PipeRecorder.received.append(dict(validation_report))
