using Relay.Testing;

namespace Relay.Tests.EndToEnd;

public sealed class ConcurrentOrderTests : IAsyncLifetime
{
    private readonly RelayStack _stack = new(clients: 1);

    public Task InitializeAsync() => _stack.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task OperationsCommittingConcurrentlyTakeEffectInTheOrderOfTheirMessageIds()
    {
        var client = _stack.ClientIds[0];
        var people = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            people.Add(await _stack.CreatePersonnelAsync($"P{i}", "Race", $"6000000000{i}"));
        }

        // Saves and deletes of the same personnel race each other; the server's acceptance order
        // (message id order) decides what each client must end up with.
        var accepted = new List<(long MessageId, long Person, bool Delete)>();
        for (var round = 0; round < 10; round++)
        {
            var calls = Enumerable
                .Range(0, 12)
                .Select(async i =>
                {
                    var person = people[i % people.Count];
                    var delete = (i + round) % 2 == 0;
                    var ids = await _stack.OperateAsync(
                        delete ? HttpMethod.Delete : HttpMethod.Put,
                        $"/clients/{client}/personnel/{person}"
                    );
                    return (ids.Single(), person, delete);
                });
            accepted.AddRange(await Task.WhenAll(calls));
        }

        await _stack.DrainedAsync();

        var model = new HashSet<long>();
        foreach (var (_, person, delete) in accepted.OrderBy(a => a.MessageId))
        {
            if (delete)
            {
                model.Remove(person);
            }
            else
            {
                model.Add(person);
            }
        }

        Assert.Equal(model.Order(), (await _stack.Clients[0].StoredRowsAsync()).Select(r => r.Id));
    }
}
