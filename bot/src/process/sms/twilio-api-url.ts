import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';

const TWILIO_API = 'https://api.twilio.com';

/**
 * Twilio's own HTTP client, sending what it would send to api.twilio.com to another address:
 * TWILIO_API_URL (a proxy, or the fake Twilio of the tests).
 */
export class TwilioApiUrlClient extends twilio.RequestClient {
  private readonly apiUrl: string;

  constructor(apiUrl: string, options: RequestClient.RequestClientOptions = {}) {
    super(options);
    this.apiUrl = apiUrl.replace(/\/+$/, '');
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = opts.uri.startsWith(TWILIO_API)
      ? `${this.apiUrl}${opts.uri.slice(TWILIO_API.length)}`
      : opts.uri;
    return super.request<TData>({ ...opts, uri });
  }
}
