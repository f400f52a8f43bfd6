/**
 * Tables behind licence normalisation. Two different kinds of knowledge live here and are kept apart
 * on purpose: deprecated SPDX ids have an official replacement (the SPDX licence list names it), so
 * upgrading them changes nothing legally; free-text aliases (`Apache 2`, `BSD`) are guesses, so they
 * only ever produce a hint and never a licence that a policy would accept.
 */

/**
 * Deprecated SPDX ids → the expression the SPDX licence list says replaces them. Ids deprecated
 * without a replacement (`Net-SNMP`, `bzip2-1.0.5`) are absent and kept as they are.
 */
export const DEPRECATED_REPLACEMENTS: Readonly<Record<string, string>> = {
  "AGPL-1.0": "AGPL-1.0-only",
  "AGPL-3.0": "AGPL-3.0-only",
  "BSD-2-Clause-FreeBSD": "BSD-2-Clause",
  "BSD-2-Clause-NetBSD": "BSD-2-Clause",
  "GFDL-1.1": "GFDL-1.1-only",
  "GFDL-1.2": "GFDL-1.2-only",
  "GFDL-1.3": "GFDL-1.3-only",
  "GPL-1.0": "GPL-1.0-only",
  "GPL-2.0": "GPL-2.0-only",
  "GPL-3.0": "GPL-3.0-only",
  "LGPL-2.0": "LGPL-2.0-only",
  "LGPL-2.1": "LGPL-2.1-only",
  "LGPL-3.0": "LGPL-3.0-only",
  "GPL-2.0-with-GCC-exception": "GPL-2.0-only WITH GCC-exception-2.0",
  "GPL-2.0-with-autoconf-exception": "GPL-2.0-only WITH Autoconf-exception-2.0",
  "GPL-2.0-with-bison-exception": "GPL-2.0-only WITH Bison-exception-2.2",
  "GPL-2.0-with-classpath-exception": "GPL-2.0-only WITH Classpath-exception-2.0",
  "GPL-2.0-with-font-exception": "GPL-2.0-only WITH Font-exception-2.0",
  "GPL-3.0-with-GCC-exception": "GPL-3.0-only WITH GCC-exception-3.1",
  "GPL-3.0-with-autoconf-exception": "GPL-3.0-only WITH Autoconf-exception-3.0",
  Nunit: "zlib-acknowledgement",
  "StandardML-NJ": "SMLNJ",
  "eCos-2.0": "GPL-2.0-or-later WITH eCos-exception-2.0",
  wxWindows: "LGPL-2.0-or-later WITH WxWindows-exception-3.1",
};

/**
 * Free-text licence names seen in real manifests → the SPDX ids they most likely mean. Keys are
 * compared after {@link aliasKey} folding. One candidate means the intent is clear but the text is
 * still not an SPDX id; several mean the text is ambiguous (which BSD? which GPL version?).
 */
const ALIASES: ReadonlyArray<readonly [string[], string[]]> = [
  [
    [
      "apache 2",
      "apache 2.0",
      "apache-2",
      "apache v2",
      "apache2",
      "apache license 2.0",
      "apache license version 2.0",
      "apache license, version 2.0",
      "asl 2.0",
      "the apache software license, version 2.0",
      "apache software license 2.0",
    ],
    ["Apache-2.0"],
  ],
  [
    ["apache", "apache license", "apache software license"],
    ["Apache-2.0", "Apache-1.1"],
  ],
  [["mit license", "the mit license", "the mit license (mit)", "mit-license", "expat", "mit/expat"], ["MIT"]],
  [
    ["mit/x11", "x11", "mit x11"],
    ["MIT", "X11"],
  ],
  [["isc license", "isc license (iscl)", "iscl"], ["ISC"]],
  [
    ["bsd", "bsd license", "bsd-style", "bsd style", "new bsd", "new bsd license", "bsd*"],
    ["BSD-3-Clause", "BSD-2-Clause"],
  ],
  [
    ["bsd-3", "bsd 3-clause", "bsd 3 clause", "3-clause bsd", "modified bsd", "revised bsd"],
    ["BSD-3-Clause"],
  ],
  [["bsd-2", "bsd 2-clause", "bsd 2 clause", "2-clause bsd", "simplified bsd", "freebsd"], ["BSD-2-Clause"]],
  [
    ["gpl", "gnu gpl", "gnu general public license"],
    ["GPL-3.0-only", "GPL-2.0-only"],
  ],
  [["gplv2", "gpl v2", "gpl 2", "gpl-2", "gpl2"], ["GPL-2.0-only"]],
  [["gplv2+", "gpl v2+", "gpl-2+"], ["GPL-2.0-or-later"]],
  [["gplv3", "gpl v3", "gpl 3", "gpl-3", "gpl3"], ["GPL-3.0-only"]],
  [["gplv3+", "gpl v3+", "gpl-3+"], ["GPL-3.0-or-later"]],
  [
    ["lgpl", "gnu lgpl", "gnu lesser general public license"],
    ["LGPL-3.0-only", "LGPL-2.1-only"],
  ],
  [
    ["lgplv2", "lgpl v2", "lgplv2.1", "lgpl 2.1", "lgpl-2.1+"],
    ["LGPL-2.1-only", "LGPL-2.1-or-later"],
  ],
  [["lgplv3", "lgpl v3", "lgpl 3", "lgpl-3"], ["LGPL-3.0-only"]],
  [["agpl", "agplv3", "agpl v3", "gnu affero general public license"], ["AGPL-3.0-only"]],
  [
    ["mpl", "mpl 2.0", "mpl-2", "mpl2", "mozilla public license 2.0", "mozilla public license 2.0 (mpl 2.0)"],
    ["MPL-2.0"],
  ],
  [
    ["public domain", "public-domain", "publicdomain"],
    ["Unlicense", "CC0-1.0"],
  ],
  [["unlicense", "the unlicense", "the unlicense (unlicense)"], ["Unlicense"]],
  [["wtfpl", "do what the f*ck you want to public license"], ["WTFPL"]],
  [["python software foundation license", "psf", "psfl", "psf license"], ["PSF-2.0"]],
  [["zlib", "zlib/libpng", "zlib license"], ["Zlib"]],
  [["cc0", "cc0 1.0", "cc0-1"], ["CC0-1.0"]],
  [["eclipse public license 2.0", "epl 2.0", "epl-2"], ["EPL-2.0"]],
  [["boost", "boost software license"], ["BSL-1.0"]],
];

const ALIAS_INDEX: ReadonlyMap<string, string[]> = new Map(
  ALIASES.flatMap(([keys, ids]) => keys.map((k) => [aliasKey(k), ids] as const)),
);

/** Folds case and runs of whitespace and drops one pair of outer parentheses: `(Apache 2)` ≡ `apache  2`. */
export function aliasKey(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/^\((.*)\)$/, "$1");
}

/** The likely SPDX ids for a free-text licence name, or an empty list when it is not a known alias. */
export function licenseHint(text: string): string[] {
  return ALIAS_INDEX.get(aliasKey(text)) ?? [];
}

/**
 * Trove classifiers (`License :: OSI Approved :: MIT License`) → SPDX ids. Only classifiers that name
 * one licence and version are listed; the others (`Apache Software License`, `BSD License`) pass on
 * their last segment as free text, which then gets a hint instead of a guess.
 */
export const CLASSIFIER_IDS: Readonly<Record<string, string>> = {
  "MIT License": "MIT",
  "MIT No Attribution License (MIT-0)": "MIT-0",
  "ISC License (ISCL)": "ISC",
  "Apache Software License 2.0": "Apache-2.0",
  "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
  "Mozilla Public License 1.1 (MPL 1.1)": "MPL-1.1",
  "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
  "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
  "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
  "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
  "GNU Lesser General Public License v2 (LGPLv2)": "LGPL-2.0-only",
  "GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
  "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
  "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
  "GNU Affero General Public License v3": "AGPL-3.0-only",
  "GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
  "Python Software Foundation License": "PSF-2.0",
  "The Unlicense (Unlicense)": "Unlicense",
  "Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
  "Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
  "zlib/libpng License": "Zlib",
  "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
  "Universal Permissive License (UPL)": "UPL-1.0",
  "European Union Public Licence 1.2 (EUPL 1.2)": "EUPL-1.2",
};
