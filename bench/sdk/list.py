"""List a Chat v2 service's bindings with twilio-python, for `cargo xtask bench`.

Usage: list.py BASE SERVICE_SID ITEMS. Every request to https://chat.twilio.com
goes to BASE instead (a local server), next pages included. Prints the items
listed and the process's peak RSS in KiB. With ITEMS 0 it only starts: imports
the SDK and builds a client, so that its start-up cost can be told apart.
"""

import resource
import sys

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

BASE, SERVICE, ITEMS = sys.argv[1], sys.argv[2], int(sys.argv[3])


class LocalHttpClient(TwilioHttpClient):
    """Sends Twilio's requests to the local server."""

    def request(self, method, url, *args, **kwargs):
        return super().request(method, url.replace("https://chat.twilio.com", BASE, 1), *args, **kwargs)


client = Client("AC0123456789abcdef0123456789abcdef", "token", http_client=LocalHttpClient())
count = 0
if ITEMS:
    for binding in client.chat.v2.services(SERVICE).bindings.stream(page_size=50):
        count += 1
print(count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
