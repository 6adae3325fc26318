# Hivekeeper's image, built at the repository root with `docker build -t hivekeeper .`
#   toolchain  Debian trixie with every library the runner links (trixie, not bookworm:
#              cpp-httplib 0.18 speaks HTTP over a Unix socket, bookworm's 0.11 cannot)
#   dev        toolchain plus what the tests drive: docker CLI, Compose, psql
#   build      compiles the runner (Release, warnings as errors)
#   runtime    only the binary, its runtime libraries and postgresql-client-17
FROM debian:trixie AS toolchain
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config \
      libcpp-httplib-dev libpqxx-dev libspdlog-dev nlohmann-json3-dev libyaml-cpp-dev \
      libarchive-dev libdeflate-dev liblz4-dev libzstd-dev libssl-dev libcurl4-openssl-dev libtinyxml2-dev zlib1g-dev libgtest-dev libgmock-dev \
 && rm -rf /var/lib/apt/lists/*

FROM toolchain AS dev
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      docker-cli docker-compose postgresql-client-17 python3 python3-jsonschema python3-yaml jq clang-format git ca-certificates age zstd \
 && rm -rf /var/lib/apt/lists/*

FROM toolchain AS build
WORKDIR /src
COPY CMakeLists.txt .clang-format ./
COPY cmake cmake
COPY manifests/schema manifests/schema
COPY runner runner
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DHIVEKEEPER_TESTS=OFF \
 && cmake --build /build \
 && strip /build/hivekeeper

FROM debian:trixie AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libcpp-httplib0.18 libpqxx-7.10 libspdlog1.15 libyaml-cpp0.8 libarchive13t64 libdeflate0 liblz4-1 libzstd1 libssl3t64 libcurl4t64 libtinyxml2-11 postgresql-client-17 \
      tzdata \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/hivekeeper /usr/local/bin/hivekeeper
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/hivekeeper"]
CMD ["run", "-f", "/manifests/backup.yaml"]
