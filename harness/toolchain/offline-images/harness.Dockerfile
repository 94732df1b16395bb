# The harness image (the collector of `export k8s`) for machines where no registry answers: no base
# image at all, only the host's node binary and tar (the collector reads the k6 archive with it),
# the shared libraries `ldd` lists for each (at the same paths), the collector bundle and an empty
# /tmp. harness/toolchain/harness-image.ts assembles rootfs/ in a temporary folder.
FROM scratch
COPY rootfs/ /
ENV PATH=/usr/bin:/bin NODE_ENV=production
WORKDIR /app
ENTRYPOINT ["/usr/bin/node", "/app/collector.mjs"]
