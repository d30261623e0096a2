# Samtal: the release tarball's one binary (the app inside), in a small runtime image.
#   docker build -t samtal .
#   docker run -p 8080:8080 -v samtal-data:/var/lib/samtal \
#     -e SAMTAL_PUBLIC_URL=http://localhost:8080 -e SAMTAL_ADMIN_TOKEN=… samtal
# See docs/deploy.md (and compose.yaml for two instances on Postgres).

FROM rust:1.95-bookworm AS build
# The same pinned tools `cargo xtask serve` installs.
RUN rustup target add wasm32-unknown-unknown \
 && cargo install trunk --version 0.21.14 --locked \
 && cargo install wasm-bindgen-cli --version 0.2.130
WORKDIR /src
COPY . .
# The same tarball `cargo xtask dist` makes (and smoke-tests) anywhere.
RUN cargo xtask dist \
 && mkdir /out \
 && tar -xzf target/dist/samtal-*.tar.gz -C /out --strip-components=1

FROM debian:bookworm-slim
# The trusted roots, for sign-in (the identity provider over TLS) and Postgres verify-full.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home-dir /var/lib/samtal --create-home samtal
COPY --from=build /out/samtal-server /usr/local/bin/samtal-server
USER samtal
ENV SAMTAL_BIND=0.0.0.0:8080 \
    SAMTAL_DATA=/var/lib/samtal
EXPOSE 8080
VOLUME /var/lib/samtal
# SIGTERM closes every connection with "the server is restarting"; clients reconnect.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/samtal-server"]
