using System.Runtime.InteropServices;
using System.Text;

namespace CareLake.Ingest.Kafka;

/// <summary>
/// librdkafka's built-in mock Kafka cluster: real Kafka protocol on loopback TCP ports, several brokers,
/// consumer groups and topic auto-creation, inside this process. For tests, benchmarks and
/// <c>carelake kafka-mock</c>; production runs against a real cluster.
/// </summary>
/// <remarks>
/// librdkafka 2.0.2 keeps at most 5 MB and 100,000 messages per partition and silently drops older
/// ones, so create topics with enough partitions for the volume they must hold.
/// </remarks>
public sealed partial class MockKafkaCluster : IDisposable
{
    private const string Library = "librdkafka.so.1";
    private const int ProducerType = 0;

    private nint _handle;
    private nint _cluster;

    public MockKafkaCluster(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var conf = NativeMethods.rd_kafka_conf_new();
        var error = new byte[512];
        SetConf(conf, "log_level", "3", error);
        _handle = NativeMethods.rd_kafka_new(ProducerType, conf, error, (nuint)error.Length);
        if (_handle == 0)
        {
            throw new InvalidOperationException($"librdkafka could not create a client for the mock cluster: {Text(error)}");
        }

        _cluster = NativeMethods.rd_kafka_mock_cluster_new(_handle, brokers);
        if (_cluster == 0)
        {
            NativeMethods.rd_kafka_destroy(_handle);
            throw new InvalidOperationException("librdkafka could not start a mock cluster");
        }

        BootstrapServers = Marshal.PtrToStringUTF8(NativeMethods.rd_kafka_mock_cluster_bootstraps(_cluster))!;
    }

    /// <summary>The brokers' addresses, e.g. <c>127.0.0.1:40123,127.0.0.1:40125</c>.</summary>
    public string BootstrapServers { get; }

    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        ObjectDisposedException.ThrowIf(_cluster == 0, this);
        var err = NativeMethods.rd_kafka_mock_topic_create(_cluster, topic, partitions, replicationFactor);
        if (err != 0)
        {
            throw new InvalidOperationException($"mock cluster could not create topic {topic}: {Marshal.PtrToStringUTF8(NativeMethods.rd_kafka_err2str(err))}");
        }
    }

    /// <summary>Takes a broker (or every broker, with -1) off the network, to test failover.</summary>
    public void SetBrokerDown(int brokerId) => Check(NativeMethods.rd_kafka_mock_broker_set_down(_cluster, brokerId));

    public void SetBrokerUp(int brokerId) => Check(NativeMethods.rd_kafka_mock_broker_set_up(_cluster, brokerId));

    public void Dispose()
    {
        if (_cluster != 0)
        {
            NativeMethods.rd_kafka_mock_cluster_destroy(_cluster);
            _cluster = 0;
        }

        if (_handle != 0)
        {
            NativeMethods.rd_kafka_destroy(_handle);
            _handle = 0;
        }
    }

    private static void Check(int err)
    {
        if (err != 0)
        {
            throw new InvalidOperationException(Marshal.PtrToStringUTF8(NativeMethods.rd_kafka_err2str(err)));
        }
    }

    private static void SetConf(nint conf, string name, string value, byte[] error)
    {
        if (NativeMethods.rd_kafka_conf_set(conf, name, value, error, (nuint)error.Length) != 0)
        {
            throw new InvalidOperationException($"librdkafka rejected {name}={value}: {Text(error)}");
        }
    }

    private static string Text(byte[] buffer)
    {
        var end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }

    private static partial class NativeMethods
    {
        [LibraryImport(Library)]
        internal static partial nint rd_kafka_conf_new();

        [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int rd_kafka_conf_set(nint conf, string name, string value, byte[] errstr, nuint errstrSize);

        [LibraryImport(Library)]
        internal static partial nint rd_kafka_new(int type, nint conf, byte[] errstr, nuint errstrSize);

        [LibraryImport(Library)]
        internal static partial void rd_kafka_destroy(nint rk);

        [LibraryImport(Library)]
        internal static partial nint rd_kafka_mock_cluster_new(nint rk, int brokerCount);

        [LibraryImport(Library)]
        internal static partial void rd_kafka_mock_cluster_destroy(nint cluster);

        [LibraryImport(Library)]
        internal static partial nint rd_kafka_mock_cluster_bootstraps(nint cluster);

        [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int rd_kafka_mock_topic_create(nint cluster, string topic, int partitions, int replicationFactor);

        [LibraryImport(Library)]
        internal static partial int rd_kafka_mock_broker_set_down(nint cluster, int brokerId);

        [LibraryImport(Library)]
        internal static partial int rd_kafka_mock_broker_set_up(nint cluster, int brokerId);

        [LibraryImport(Library)]
        internal static partial nint rd_kafka_err2str(int err);
    }
}
