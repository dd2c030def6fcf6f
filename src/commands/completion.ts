import { Command, type Option } from 'commander';
import { UsageError } from '../core/errors.js';
import type { Runtime } from '../core/runtime.js';

interface Node {
  path: string[];
  description: string;
  children: Node[];
  flags: { name: string; description: string }[];
}

function walk(command: Command, path: string[], inherited: readonly Option[]): Node {
  const options = [...inherited, ...command.options];
  const children = command.commands.filter((c) => c.name() !== 'help');
  return {
    path,
    description: command.description(),
    children: children.map((c) => walk(c, [...path, c.name()], path.length === 0 ? command.options : inherited)),
    flags: options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f).map((name) => ({ name, description: o.description }))),
  };
}

function flatten(node: Node): Node[] {
  return [node, ...node.children.flatMap(flatten)];
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** bash: complete the verb at each level, then the flags of the command reached. */
function bashScript(root: Node): string {
  const cases = flatten(root).map((n) => {
    const words = [...n.children.map((c) => c.path.at(-1) ?? ''), ...n.flags.map((f) => f.name)].join(' ');
    return `    ${quote(n.path.join(' ') || '.')}) words=${quote(words)} ;;`;
  });
  return `# switchyard completion for bash: eval "$(switchyard completion bash)"
_switchyard_complete() {
  local cur path="" w i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    if [[ -n "$(_switchyard_words "\${path:+$path }$w")" ]]; then path="\${path:+$path }$w"; fi
  done
  COMPREPLY=($(compgen -W "$(_switchyard_words "\${path:-.}")" -- "$cur"))
}
_switchyard_words() {
  local words=""
  case "$1" in
${cases.join('\n')}
  esac
  printf '%s' "$words"
}
complete -o default -F _switchyard_complete switchyard
`;
}

/** zsh: the bash function through bashcompinit, the way many CLIs ship it. */
function zshScript(root: Node): string {
  return `# switchyard completion for zsh: eval "$(switchyard completion zsh)"
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(root).split('\n').slice(1).join('\n')}`;
}

/** fish: one `complete` line per verb and per flag, guarded by the verbs already typed. */
function fishScript(root: Node): string {
  const lines = ['# switchyard completion for fish: switchyard completion fish | source', 'complete -c switchyard -f'];
  for (const node of flatten(root)) {
    const seen = node.path.map((p) => `__fish_seen_subcommand_from ${p}`);
    const siblings = node.children.map((c) => c.path.at(-1)).join(' ');
    const guard = node.path.length === 0 ? '__fish_use_subcommand' : [...seen, ...(siblings ? [`not __fish_seen_subcommand_from ${siblings}`] : [])].join('; and ');
    for (const child of node.children) {
      lines.push(`complete -c switchyard -n ${quote(guard)} -a ${quote(child.path.at(-1) ?? '')} -d ${quote(child.description)}`);
    }
    if (node.children.length === 0) {
      for (const flag of node.flags.filter((f) => f.name.startsWith('--'))) {
        lines.push(`complete -c switchyard -n ${quote(seen.join('; and '))} -l ${flag.name.slice(2)} -d ${quote(flag.description)}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

const SHELLS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

/** `switchyard completion bash|zsh|fish`: prints a completion script for the whole command tree. */
export function completionCommand(rt: Runtime): Command {
  return new Command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText('after', '\nExamples:\n  eval "$(switchyard completion bash)"   # in ~/.bashrc\n  switchyard completion fish > ~/.config/fish/completions/switchyard.fish')
    .action((shell: string, _opts: unknown, command: Command) => {
      const render = SHELLS[shell as keyof typeof SHELLS];
      if (!render) throw new UsageError(`unknown shell "${shell}"`, { hint: 'choose bash, zsh or fish' });
      let root = command;
      while (root.parent) root = root.parent;
      rt.stdout.write(render(walk(root, [], [])));
    });
}
