package io.higressj.testing.echo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what the JDK client will not do: header lines differing
 * only in case, exact response header spelling, pipelining.
 */
final class RawHttpConnection implements AutoCloseable {

    /** A response; header names exactly as sent. */
    record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
        String header(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttpConnection(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    InputStream input() {
        return in;
    }

    void send(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    Response readResponse(boolean head) throws IOException {
        String statusLine = readLine();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        String line;
        while (!(line = readLine()).isEmpty()) {
            int colon = line.indexOf(':');
            headers.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).trim()));
        }
        Response partial = new Response(status, headers, new byte[0]);
        if (head || status == 204 || status == 304 || status < 200) {
            return partial;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(partial.header("Transfer-Encoding"))) {
            int size;
            while ((size = Integer.parseInt(readLine().trim(), 16)) > 0) {
                body.write(in.readNBytes(size));
                readLine();
            }
            readLine();
        } else if (partial.header("Content-Length") != null) {
            body.write(in.readNBytes(Integer.parseInt(partial.header("Content-Length"))));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers, body.toByteArray());
    }

    Response readResponse() throws IOException {
        return readResponse(false);
    }

    String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed after " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
