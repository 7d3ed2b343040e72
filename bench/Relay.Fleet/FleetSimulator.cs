using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Relay.Contracts.Protocol;
using Relay.Testing;

namespace Relay.Fleet;

/// <summary>
/// A fleet of edge daemons in one process, speaking the real wire protocol (handshake, frames,
/// acknowledgements) and applying in memory. Every client has a loopback address of its own
/// (127.1.x.y) on one shared port: one listening socket serves them all, and the address a
/// connection was made to says which client it reached.
/// </summary>
public sealed class FleetSimulator : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Dictionary<IPAddress, SimulatedClient> _byAddress = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private Task _accepting = Task.CompletedTask;

    public IReadOnlyList<SimulatedClient> Clients { get; private set; } = [];

    public int Port { get; private set; }

    /// <summary>Connections open now, over all clients.</summary>
    public int OpenConnections;

    public static FleetSimulator Start(int clients, int port)
    {
        var fleet = new FleetSimulator();
        var list = new List<SimulatedClient>(clients);
        for (var i = 0; i < clients; i++)
        {
            var address = new IPAddress([127, 1, (byte)(i / 250), (byte)(i % 250 + 1)]);
            var client = new SimulatedClient(i, address.ToString());
            fleet._byAddress[address] = client;
            list.Add(client);
        }

        fleet.Clients = list;
        fleet._listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        fleet._listener.Bind(new IPEndPoint(IPAddress.Any, port));
        fleet._listener.Listen(4096);
        fleet.Port = port;
        fleet._accepting = Task.Run(fleet.AcceptAsync);
        return fleet;
    }

    /// <summary>Registers every client with a server through its API (<c>POST /clients</c>) and keeps the ids and
    /// credentials it gives.</summary>
    public Task RegisterWithAsync(HttpClient api, int parallelism) =>
        Parallel.ForEachAsync(
            Clients,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (client, ct) =>
            {
                var registered = await api.RegisterClientAsync($"Fleet #{client.Index}", client.Host, Port, ct);
                client.ServerId = registered.Id;
                client.Credential = LinkCredential.Parse(registered.Credential);
            }
        );

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            var local = ((IPEndPoint)socket.LocalEndPoint!).Address;
            if (!_byAddress.TryGetValue(local, out var client))
            {
                socket.Dispose();
                continue;
            }

            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(Task.Run(() => ServeAsync(socket, client)));
            }
        }
    }

    private async Task ServeAsync(Socket socket, SimulatedClient client)
    {
        Interlocked.Increment(ref OpenConnections);
        Interlocked.Increment(ref client.Connections);
        socket.NoDelay = true;
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var reader = PipeReader.Create(stream);
        var frames = new FrameReader(reader, FrameCodec.DefaultMaxPayloadBytes, Timeout.InfiniteTimeSpan);
        var writer = PipeWriter.Create(stream);
        try
        {
            if (client.Credential is not { } credential)
            {
                await SendAsync(writer, new NackFrame(0, true, "this simulated client was never registered"));
                return;
            }

            var challenge = TransportAuth.NewChallenge();
            await SendAsync(writer, new HelloFrame(challenge, credential.ClientId, credential.Generation));
            if (
                await ReadAsync(frames) is not AuthFrame auth
                || !TransportAuth.Matches(TransportAuth.ServerProof(credential, challenge, auth.Challenge), auth.Proof)
            )
            {
                await SendAsync(writer, new NackFrame(0, true, "authentication failed"));
                return;
            }

            await SendAsync(writer, new WelcomeFrame(TransportAuth.ClientProof(credential, auth.Challenge, challenge)));
            while (await ReadAsync(frames) is { } frame)
            {
                Frame reply = frame switch
                {
                    DeliverFrame deliver => new AckFrame(deliver.MessageId, client.Apply(deliver)),
                    PingFrame => new PongFrame(),
                    FeaturesFrame => new FeaturesReplyFrame([Features.Overtaking]),
                    _ => new NackFrame(0, true, $"the simulator does not answer {frame.GetType().Name}"),
                };
                // One answer per frame, flushed at once, as the real daemon does.
                await SendAsync(writer, reply);
            }
        }
        catch (Exception e)
            when (e
                    is IOException
                        or SocketException
                        or OperationCanceledException
                        or ProtocolException
                        or ObjectDisposedException
            )
        {
            // The server dropped the connection, or the fleet is stopping.
        }
        finally
        {
            Interlocked.Decrement(ref OpenConnections);
            await reader.CompleteAsync();
            await writer.CompleteAsync().AsTask().ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task SendAsync(PipeWriter writer, Frame frame)
    {
        FrameCodec.Write(writer, frame);
        await writer.FlushAsync(_stop.Token);
    }

    private async Task<Frame?> ReadAsync(FrameReader reader) => (await reader.ReadAsync(_stop.Token)).Frame;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        Task[] open;
        lock (_connections)
        {
            open = [.. _connections];
        }

        await Task.WhenAll(open).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
