# The relay image for machines where no registry answers: no base image at all, only the host's
# node binary, the shared libraries `ldd` lists for it (at the same paths), the relay bundle, an
# empty /tmp and /data. harness/toolchain/relay-image.ts assembles rootfs/ in a temporary folder.
FROM scratch
COPY rootfs/ /
ENV RELAY_LISTEN=0.0.0.0:7001,0.0.0.0:7002 RELAY_DATA_DIR=/data NODE_ENV=production
WORKDIR /app
EXPOSE 7001 7002
ENTRYPOINT ["/usr/bin/node", "/app/relay.mjs"]
