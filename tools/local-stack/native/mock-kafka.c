/*
 * mock-kafka: librdkafka's in-process mock cluster as a standalone broker for tests and local runs.
 *
 *   mock-kafka [--brokers N] [--topic name:partitions]...
 *
 * Prints one JSON line {"bootstrap":"127.0.0.1:port,..."} once listening, then answers one line per
 * stdin command: "down <id>", "up <id>", "topic <name> <partitions>" -> "ok" | "error <reason>".
 * Exits 0 on SIGTERM/SIGINT or stdin EOF.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rdkafka.h"
#include "rdkafka_mock.h"

#define MAX_TOPICS 256
#define LINE_MAX_LEN 1024

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
        (void)sig;
        stop_requested = 1;
}

struct topic_spec {
        char name[250];
        int partitions;
};

static int parse_topic(const char *arg, struct topic_spec *out) {
        const char *colon = strrchr(arg, ':');
        size_t len        = colon ? (size_t)(colon - arg) : strlen(arg);
        if (len == 0 || len >= sizeof(out->name))
                return -1;
        memcpy(out->name, arg, len);
        out->name[len]  = '\0';
        out->partitions = colon ? atoi(colon + 1) : 1;
        return out->partitions > 0 ? 0 : -1;
}

/* Replication factor cannot exceed the broker count; 1 keeps one leader per partition, which is
 * what the down/up outage commands act on. */
static const char *create_topic(rd_kafka_mock_cluster_t *mc, const char *name, int partitions) {
        rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, name, partitions, 1);
        return err ? rd_kafka_err2str(err) : NULL;
}

static void answer(const char *error) {
        if (error)
                printf("error %s\n", error);
        else
                printf("ok\n");
        fflush(stdout);
}

static void handle_command(rd_kafka_mock_cluster_t *mc, int broker_cnt, char *line) {
        char verb[32], name[250];
        int a = 0;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0')
                return;
        if (sscanf(line, "%31s", verb) != 1) {
                answer("empty command");
                return;
        }
        if (strcmp(verb, "down") == 0 || strcmp(verb, "up") == 0) {
                if (sscanf(line, "%*s %d", &a) != 1 || a < 1 || a > broker_cnt) {
                        answer("broker id out of range");
                        return;
                }
                rd_kafka_resp_err_t err = strcmp(verb, "down") == 0
                                              ? rd_kafka_mock_broker_set_down(mc, a)
                                              : rd_kafka_mock_broker_set_up(mc, a);
                answer(err ? rd_kafka_err2str(err) : NULL);
        } else if (strcmp(verb, "topic") == 0) {
                if (sscanf(line, "%*s %249s %d", name, &a) != 2 || a < 1) {
                        answer("usage: topic <name> <partitions>");
                        return;
                }
                answer(create_topic(mc, name, a));
        } else {
                answer("unknown command");
        }
}

int main(int argc, char **argv) {
        static struct topic_spec topics[MAX_TOPICS];
        int topic_cnt  = 0;
        int broker_cnt = 1;
        char errstr[512];

        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--brokers") == 0 && i + 1 < argc) {
                        broker_cnt = atoi(argv[++i]);
                        if (broker_cnt < 1) {
                                fprintf(stderr, "mock-kafka: --brokers must be >= 1\n");
                                return 2;
                        }
                } else if (strcmp(argv[i], "--topic") == 0 && i + 1 < argc) {
                        if (topic_cnt >= MAX_TOPICS || parse_topic(argv[++i], &topics[topic_cnt]) != 0) {
                                fprintf(stderr, "mock-kafka: bad --topic %s (want name:partitions)\n", argv[i]);
                                return 2;
                        }
                        topic_cnt++;
                } else {
                        fprintf(stderr, "usage: mock-kafka [--brokers N] [--topic name:partitions]...\n");
                        return 2;
                }
        }

        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);

        /* The mock cluster lives inside a client handle; this one never talks to it. */
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
                fprintf(stderr, "mock-kafka: %s\n", errstr);
                return 1;
        }
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "mock-kafka: rd_kafka_new: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, broker_cnt);
        if (!mc) {
                fprintf(stderr, "mock-kafka: rd_kafka_mock_cluster_new failed\n");
                rd_kafka_destroy(rk);
                return 1;
        }
        /* kafkajs sends controller requests to the advertised controller; without this the mock
         * advertises none ("Broker 0 not found"). */
        rd_kafka_mock_set_controller_id(mc, 1);
        /* LeaveGroup v3+ is advertised but not parsed by the mock: leaving members would then sit
         * out the session timeout. Cap it to v0..v1. */
        rd_kafka_mock_set_apiversion(mc, 13 /* LeaveGroup */, 0, 1);

        for (int i = 0; i < topic_cnt; i++) {
                const char *err = create_topic(mc, topics[i].name, topics[i].partitions);
                if (err) {
                        fprintf(stderr, "mock-kafka: topic %s: %s\n", topics[i].name, err);
                        rd_kafka_mock_cluster_destroy(mc);
                        rd_kafka_destroy(rk);
                        return 1;
                }
        }

        printf("{\"bootstrap\":\"%s\"}\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);

        char line[LINE_MAX_LEN];
        size_t used = 0;
        while (!stop_requested) {
                struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
                int n             = poll(&pfd, 1, 200);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (n == 0)
                        continue;
                ssize_t got = read(STDIN_FILENO, line + used, sizeof(line) - 1 - used);
                if (got <= 0) {
                        if (got < 0 && errno == EINTR)
                                continue;
                        break; /* EOF: the parent went away */
                }
                used += (size_t)got;
                line[used] = '\0';
                char *start = line, *nl;
                while ((nl = strchr(start, '\n')) != NULL) {
                        *nl = '\0';
                        handle_command(mc, broker_cnt, start);
                        start = nl + 1;
                }
                used -= (size_t)(start - line);
                memmove(line, start, used);
                if (used >= sizeof(line) - 1) {
                        answer("line too long");
                        used = 0;
                }
        }

        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
}
