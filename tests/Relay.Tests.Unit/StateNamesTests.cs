using Relay.Hosting.Api;
using Relay.Server.Clients;
using Relay.Server.Outbox;

namespace Relay.Tests.Unit;

/// <summary>
/// States are enums in the code; SQL written as constants spells them too. The two spellings
/// must be one: a constant that drifted from its enum would match no row, or store a state no
/// answer can name.
/// </summary>
public sealed class StateNamesTests
{
    [Fact]
    public void MessageStatesAreSpelledInSqlAsOnTheWire() =>
        Assert.Equal<string[]>(
            WireNames.All<MessageState>(),
            [MessageStates.Pending, MessageStates.Failed, MessageStates.Delivered]
        );

    [Fact]
    public void ClientStatesAreSpelledInSqlAsOnTheWire() =>
        Assert.Equal<string[]>(
            WireNames.All<ClientState>(),
            [ClientStates.Unreachable, ClientStates.Failed, ClientStates.Behind, ClientStates.UpToDate]
        );

    [Fact]
    public void AWireNameParsesBackToItsValueAndNothingElseDoes()
    {
        Assert.Equal(ClientState.UpToDate, WireNames.Parse<ClientState>("upToDate"));
        Assert.Throws<InvalidOperationException>(() => WireNames.Parse<ClientState>("UpToDate"));
        Assert.Throws<InvalidOperationException>(() => WireNames.Parse<ClientState>("3"));
    }
}
