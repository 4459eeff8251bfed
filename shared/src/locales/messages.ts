/**
 * Everything a language says to the end user: the mobile pages and the built-in SMS. A language
 * is one file of this type under `locales/`, listed once in `index.ts`.
 */
export type Messages = {
  /** BCP 47 tag for Intl (dates, times). */
  intlTag: string;
  /** The language's own name, in the page's language switch. */
  name: string;
  /** Built-in SMS wording, `{brand}` and `{link}` replaced; GSM-7 characters keep it one SMS. */
  sms: { installation: string; activation: string };
  setUpTitle: (brand: string) => string;
  setUpIntro: string;
  reminderIntro: string;
  /** On a computer or a tablet: the set-up happens on the phone. */
  otherDeviceIntro: string;
  installStep: string;
  appStoreBadge: string;
  googlePlayBadge: string;
  noStoreLink: string;
  openStep: string;
  openButton: (brand: string) => string;
  openHint: string;
  activateStep: string;
  activateButton: string;
  activateHint: string;
  reminderDoneHint: string;
  notReady: string;
  qrTitle: string;
  qrHint: string;
  qrLabel: string;
  storesOnPhone: string;
  validUntil: (date: string) => string;
  doneTitle: string;
  doneBody: (brand: string) => string;
  doneNextTitle: string;
  doneNext: string;
  deadTitle: string;
  deadBody: string;
  tooManyTitle: string;
  tooManyBody: string;
  errorTitle: string;
  errorBody: string;
  homeTitle: string;
  homeBody: string;
  supportTitle: string;
  supportPhone: string;
  supportEmail: string;
  supportWeb: string;
  noSupport: string;
  languageLabel: string;
  logoAlt: (brand: string) => string;
};
