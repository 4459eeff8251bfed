/** The languages of the mobile pages, picked from Accept-Language; English when none matches. */
export const LOCALES = ['en', 'it'] as const;
export type Locale = (typeof LOCALES)[number];

export function pickLocale(acceptLanguage: string | null): Locale {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return {
        language: tag.trim().toLowerCase().split('-')[0] ?? '',
        q: q ? Number(q) : 1,
        index,
      };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { language } of ranked) {
    if ((LOCALES as readonly string[]).includes(language)) return language as Locale;
  }
  return 'en';
}

type Texts = {
  setUpTitle: (brand: string) => string;
  setUpIntro: string;
  reminderIntro: string;
  installStep: string;
  appStore: string;
  googlePlay: string;
  noStoreLink: string;
  openStep: string;
  openButton: (brand: string) => string;
  openHint: string;
  activateStep: string;
  activateButton: string;
  activateHint: string;
  notReady: string;
  qrTitle: string;
  qrHint: string;
  qrLabel: string;
  validUntil: (date: string) => string;
  doneTitle: string;
  doneBody: string;
  deadTitle: string;
  deadBody: string;
  tooManyTitle: string;
  tooManyBody: string;
  errorTitle: string;
  errorBody: string;
};

export const TEXTS: Record<Locale, Texts> = {
  en: {
    setUpTitle: (brand) => `${brand}: set up your phone`,
    setUpIntro: 'Three steps to make secure calls from this phone.',
    reminderIntro: 'One step left: activate your account.',
    installStep: 'Install the app',
    appStore: 'Download on the App Store',
    googlePlay: 'Get it on Google Play',
    noStoreLink: 'Ask support where to get the app.',
    openStep: 'Set up the app',
    openButton: (brand) => `Open in the ${brand} app`,
    openHint: 'The app fetches its settings through this link.',
    activateStep: 'Activate',
    activateButton: 'Activate my account',
    activateHint: 'Press it once the app is set up.',
    notReady:
      'The app has not fetched its settings yet: open the link in the app first, then press Activate.',
    qrTitle: 'Open this page on your phone',
    qrHint: "Scan the code with your phone's camera, then follow the steps there.",
    qrLabel: 'QR code of this page',
    validUntil: (date) => `This link works until ${date}.`,
    doneTitle: 'Your account is active',
    doneBody: 'You can close this page and make calls from the app.',
    deadTitle: 'This link does not work any more',
    deadBody:
      'It may have expired, been used already or been replaced by a newer one. Ask support for a new link.',
    tooManyTitle: 'Too many attempts',
    tooManyBody:
      'Too many links that do not work were opened from this network. Wait a quarter of an hour, then try again.',
    errorTitle: 'Something went wrong',
    errorBody: 'Try again in a few minutes. If it keeps happening, contact support.',
  },
  it: {
    setUpTitle: (brand) => `${brand}: configura il telefono`,
    setUpIntro: 'Tre passi per telefonare in modo sicuro da questo telefono.',
    reminderIntro: 'Manca un passo: attiva il tuo account.',
    installStep: "Installa l'app",
    appStore: 'Scarica su App Store',
    googlePlay: 'Disponibile su Google Play',
    noStoreLink: "Chiedi all'assistenza dove trovare l'app.",
    openStep: "Configura l'app",
    openButton: (brand) => `Apri nell'app ${brand}`,
    openHint: "L'app scarica le sue impostazioni tramite questo link.",
    activateStep: 'Attiva',
    activateButton: 'Attiva il mio account',
    activateHint: "Premi dopo aver configurato l'app.",
    notReady:
      "L'app non ha ancora scaricato le impostazioni: apri prima il link nell'app, poi premi Attiva.",
    qrTitle: 'Apri questa pagina sul telefono',
    qrHint: 'Inquadra il codice con la fotocamera del telefono e segui i passi da lì.',
    qrLabel: 'Codice QR di questa pagina',
    validUntil: (date) => `Questo link funziona fino al ${date}.`,
    doneTitle: 'Il tuo account è attivo',
    doneBody: "Puoi chiudere questa pagina e telefonare dall'app.",
    deadTitle: 'Questo link non funziona più',
    deadBody:
      "Potrebbe essere scaduto, già usato o sostituito da uno più recente. Chiedi all'assistenza un nuovo link.",
    tooManyTitle: 'Troppi tentativi',
    tooManyBody:
      "Da questa rete sono stati aperti troppi link non validi. Attendi un quarto d'ora e riprova.",
    errorTitle: 'Qualcosa è andato storto',
    errorBody: "Riprova tra qualche minuto. Se succede ancora, contatta l'assistenza.",
  },
};

const DATE_FORMATS: Record<Locale, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  }),
  it: new Intl.DateTimeFormat('it-IT', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/Rome',
  }),
};

export function formatDate(locale: Locale, iso: string): string {
  const text = DATE_FORMATS[locale].format(new Date(iso));
  return locale === 'en' ? `${text} UTC` : text;
}
