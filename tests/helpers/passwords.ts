/** Passwords for the PBX renderers' tests, shared by the rule-based and the running-software proofs. */

/** Passwords each PBX's reader treats specially, every one a password the API takes. */
export const SPECIAL_PASSWORDS: readonly string[] = [
    "pa\\ss",
    "pa\\\\ss",
    "trailing\\",
    "semi;colon",
    "escaped\\;semi",
    ";--meta-comment",
    "meta--;end",
    ">starts-with-gt",
    "=>object",
    "a$${default_password}b",
    "$${default_password}",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: FreeSWITCH's runtime variable syntax, as a password.
    "a${domain}b",
    "${x",
    "$$",
    "my-X-PRE-PROCESS-pass",
    "x-pre-process",
    'X-Pre-Process cmd="set" data="a=b"',
    '<X-PRE-PROCESS cmd="include" data="/etc/passwd"/>',
    "<!--#comment-->",
    "<include>",
    "<?xml",
    "&amp;&#36;'\"<>",
    "inner  spaces",
    "ünïcödé-€",
    "#include evil.conf",
    "[section]",
];
