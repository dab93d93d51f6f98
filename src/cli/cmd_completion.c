/*
 * cmd_completion.c - `wirecopy completion bash|zsh`: a bash completion
 * script made from the command table, so it never falls behind the
 * commands: the commands come from the table, each command's options from
 * its help text (every "--name" it mentions). zsh gets the same script
 * behind its bashcompinit layer, which runs bash completion functions.
 */
#include <ctype.h>
#include <string.h>

#include "cli.h"

const char help_completion[] =
    "usage: wirecopy completion bash|zsh\n"
    "\n"
    "Print a completion script for wirecopy. For bash, install it with\n"
    "  wirecopy completion bash > /etc/bash_completion.d/wirecopy\n"
    "or add `source <(wirecopy completion bash)` to ~/.bashrc; for zsh, add\n"
    "`source <(wirecopy completion zsh)` to ~/.zshrc (after compinit).\n";

/* Print the distinct "--name" words of a help text, space-separated. */
static void print_options(const char *help)
{
    const char *p = help, *seen_from = help;

    while ((p = strstr(p, "--"))) {
        const char *q = p + 2;
        size_t n;
        if (p > help && (isalnum((unsigned char)p[-1]) || p[-1] == '-')) {
            p = q;
            continue;
        }
        while (isalnum((unsigned char)*q) || *q == '-')
            q++;
        n = (size_t)(q - p);
        /* the common options are listed once for every command */
        if ((n == 4 && !strncmp(p, "--db", 4)) || (n == 7 && !strncmp(p, "--quiet", 7)) ||
            (n == 6 && !strncmp(p, "--help", 6)) || (n == 9 && !strncmp(p, "--verbose", 9)))
            n = 0;
        if (n > 2) {
            /* once per option: skip it when an earlier mention exists */
            const char *e = seen_from;
            int dup = 0;
            while ((e = strstr(e, "--")) && e < p) {
                if (!strncmp(e, p, n) && !(isalnum((unsigned char)e[n]) || e[n] == '-')) {
                    dup = 1;
                    break;
                }
                e += 2;
            }
            if (!dup)
                printf(" %.*s", (int)n, p);
        }
        p = q;
    }
}

int cmd_completion(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("completion"), *c;
    size_t i;
    int opt, r;

    optind = 1;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if ((r = cli_common_opt(self, ctx, opt)) > 0)
            return r;
        if (r != 0)
            return cli_usage_error(self, "unexpected option");
    }
    if (optind != argc - 1 || (strcmp(argv[optind], "bash") && strcmp(argv[optind], "zsh")))
        return cli_usage_error(self, "give 'bash' or 'zsh'");
    if (!strcmp(argv[optind], "zsh"))
        printf("# zsh completion for wirecopy (made by `wirecopy completion zsh`): the bash\n"
               "# completion below, run by zsh's bashcompinit\n"
               "autoload -U +X compinit && { (( $+functions[compdef] )) || compinit -u; }\n"
               "autoload -U +X bashcompinit && bashcompinit\n");

    printf("# bash completion for wirecopy (made by `wirecopy completion bash`)\n"
           "_wirecopy() {\n"
           "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i\n"
           "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
           "        case ${COMP_WORDS[i]} in\n"
           "        --db) ((i++)) ;;\n"
           "        -*) ;;\n"
           "        *) cmd=${COMP_WORDS[i]}; break ;;\n"
           "        esac\n"
           "    done\n"
           "    case $prev in\n"
           "    --db|-o|--output|--out-dir|--headers|--content-location)\n"
           "        COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
           "    --order) COMPREPLY=($(compgen -W \"size recent id\" -- \"$cur\")); return ;;\n"
           "    -f|--format)\n"
           "        case $cmd in\n"
           "        export) COMPREPLY=($(compgen -W \"jsonl csv html\" -- \"$cur\")) ;;\n"
           "        show) COMPREPLY=($(compgen -W \"text json csv\" -- \"$cur\")) ;;\n"
           "        extract) COMPREPLY=($(compgen -W \"text json markdown\" -- \"$cur\")) ;;\n"
           "        esac\n"
           "        return ;;\n"
           "    esac\n"
           "    if [ -z \"$cmd\" ]; then\n"
           "        COMPREPLY=($(compgen -W \"--db --quiet --verbose --help --version");
    for (i = 0; (c = cli_command_at(i)); i++)
        printf(" %s", c->name);
    printf("\" -- \"$cur\"))\n"
           "        return\n"
           "    fi\n"
           "    case $cur in\n"
           "    -*)\n"
           "        case $cmd in\n");
    for (i = 0; (c = cli_command_at(i)); i++) {
        printf("        %s) COMPREPLY=($(compgen -W \"--db --quiet --verbose --help", c->name);
        print_options(c->help);
        printf("\" -- \"$cur\")) ;;\n");
    }
    printf("        esac ;;\n"
           "    *)\n"
           "        case $cmd in\n"
           "        show|export|clusters|stories|stats|recluster|check) ;;\n"
           "        feeds) [ \"$prev\" = feeds ] &&\n"
           "            COMPREPLY=($(compgen -W \"list add remove\" -- \"$cur\")) ;;\n"
           "        help) COMPREPLY=($(compgen -W \"");
    for (i = 0; (c = cli_command_at(i)); i++)
        printf("%s%s", i ? " " : "", c->name);
    printf("\" -- \"$cur\")) ;;\n"
           "        *) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
           "        esac ;;\n"
           "    esac\n"
           "}\n"
           "complete -o filenames -F _wirecopy wirecopy\n");
    return WC_EXIT_OK;
}
