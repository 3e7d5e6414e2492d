// List a Chat v2 service's bindings with twilio-node, for `cargo xtask bench`.
//
// Usage: node list.js BASE SERVICE_SID ITEMS. Every request to
// https://chat.twilio.com goes to BASE instead (a local server), next pages
// included. Prints the items listed and the process's peak RSS in KiB. With
// ITEMS 0 it only starts: loads the SDK and builds a client.
const twilio = require("twilio");
const RequestClient = require("twilio/lib/base/RequestClient");

const [base, service, items] = [process.argv[2], process.argv[3], Number(process.argv[4])];

// Sends Twilio's requests to the local server.
class LocalRequestClient extends RequestClient {
  request(opts) {
    return super.request({ ...opts, uri: opts.uri.replace("https://chat.twilio.com", base) });
  }
}

const client = twilio("AC0123456789abcdef0123456789abcdef", "token", { httpClient: new LocalRequestClient() });
let count = 0;
const done = () => console.log(count, process.resourceUsage().maxRSS);
if (items === 0) {
  done();
} else {
  client.chat.v2.services(service).bindings.each({ pageSize: 50, done }, () => {
    count += 1;
  });
}
