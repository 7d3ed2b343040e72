using System.CommandLine;
using Relay.Cli;
using Relay.Cli.Messages;
using Relay.Cli.Operations;
using Relay.Cli.Register;
using Relay.Cli.Sites;
using Relay.Cli.Terminal;

var root = new RootCommand(
    "relay: Relay's operations, verify, sync, import and export, for terminals and CI jobs. "
        + "Exit codes: 0 done, 1 failed, 2 bad usage, 3 timed out, 4 server unreachable."
);
GlobalOptions.AddTo(root);
foreach (var command in OperationCommands.Create())
{
    root.Subcommands.Add(command);
}

root.Subcommands.Add(VerifyCommand.Create());
root.Subcommands.Add(OperationsCommand.Create());
root.Subcommands.Add(ClientsCommand.Create());
root.Subcommands.Add(MessagesCommand.Create());
root.Subcommands.Add(PersonnelCommand.Create());
foreach (var command in ImportExportCommands.Create())
{
    root.Subcommands.Add(command);
}

root.Subcommands.Add(CredentialsCommand.Create());
return await Usage.InvokeAsync(root, args);
