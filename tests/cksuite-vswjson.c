// SPDX-License-Identifier: MIT
/*
 * Description: vswd's JSON emitter (examples/daemon/json.c): commas and
 * nesting, and strings that are always valid UTF-8 JSON: well-formed UTF-8
 * passes, every other byte (overlong forms, surrogates, code points above
 * U+10FFFF, stray continuation bytes, cut sequences) becomes \u00XX.
 */
#include <stdlib.h>

#include "cksuite.h"
#include "../examples/daemon/json.h"

static const struct {
	const char *in, *out;
} strings[] = {
	{ "plain", "\"plain\"" },
	{ "q\"b\\s", "\"q\\\"b\\\\s\"" },
	{ "tab\tnl\n\x7f", "\"tab\\u0009nl\\u000a\x7f\"" },
	{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },                       /* U+00E9 */
	{ "\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xe2\x82\xac\xf0\x9f\x98\x80\"" }, /* U+20AC, U+1F600 */
	{ "\xef\xbf\xbd", "\"\xef\xbf\xbd\"" },                     /* U+FFFD itself */
	{ "\xff\xfe", "\"\\u00ff\\u00fe\"" },
	{ "caf\xc3", "\"caf\\u00c3\"" },                            /* cut at the end */
	{ "\xc3(", "\"\\u00c3(\"" },                                /* cut by ASCII */
	{ "\x80x", "\"\\u0080x\"" },                                /* stray continuation */
	{ "\xc0\xaf", "\"\\u00c0\\u00af\"" },                       /* overlong '/' */
	{ "\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\"" },            /* overlong, 3 bytes */
	{ "\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"" },            /* surrogate U+D800 */
	{ "\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\"" }, /* above U+10FFFF */
	{ "\xf0\x9f\x98", "\"\\u00f0\\u009f\\u0098\"" },            /* 4-byte form cut */
};

START_TEST(json_strings)
{
	struct outbuf o = { 0 };

	json_quote(&o, strings[_i].in);
	ck_assert_msg(o.len == strlen(strings[_i].out) && !memcmp(o.p, strings[_i].out, o.len),
		      "case %d: got '%.*s', wanted '%s'", _i, (int)o.len, o.p, strings[_i].out);
	out_free(&o);
}
END_TEST

START_TEST(json_nesting)
{
	static const char want[] = "{\"a\": [], \"b\": {}, \"c\": [1, \"x\", null, true, "
				   "{\"d\": -2, \"e\": false}], \"f\": \"\\u00ff\"}\n";
	struct outbuf o = { 0 };
	struct json j;

	json_init(&j, &o);
	json_object(&j);
	json_key(&j, "a");
	json_array(&j);
	json_end(&j);
	json_key(&j, "b");
	json_object(&j);
	json_end(&j);
	json_key(&j, "c");
	json_array(&j);
	json_uint(&j, 1);
	json_str(&j, "x");
	json_str(&j, NULL);
	json_bool(&j, true);
	json_object(&j);
	json_key(&j, "d");
	json_int(&j, -2);
	json_kbool(&j, "e", false);
	json_end(&j);
	json_end(&j);
	json_kstr(&j, "f", "\xff");
	json_end(&j);
	ck_assert_int_eq(j.depth, 0);
	ck_assert_str_eq(o.p, want);
	/* a second document after the first, as a configuration file's
	 * read commands append to one output */
	json_init(&j, &o);
	json_array(&j);
	json_end(&j);
	ck_assert_str_eq(o.p + strlen(want), "[]\n");
	out_free(&o);
}
END_TEST

Suite *vsw_vswjson_suite(void)
{
	Suite *s = suite_create("vswjson");
	TCase *tc = tcase_create("emitter");

	tcase_add_loop_test(tc, json_strings, 0, (int)(sizeof(strings) / sizeof(strings[0])));
	tcase_add_test(tc, json_nesting);
	suite_add_tcase(s, tc);
	return s;
}
