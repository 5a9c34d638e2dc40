/**
 * Internal parts of evals: the judge protocol, the Fallom app client, the run engine and the
 * cache. Not API: may change in any release.
 */
@NullMarked
package com.fallom.evals.internal;

import org.jspecify.annotations.NullMarked;
