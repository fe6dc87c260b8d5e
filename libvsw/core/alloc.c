// SPDX-License-Identifier: MIT
/*
 * alloc.c - the one variable behind alloc.h's failure injection.
 */

unsigned long vsw__alloc_countdown;
