/** Test vectors for HTTP/1.1 framing rules, shared by unit and end-to-end tests. */
package io.higressj.testing.http1;
