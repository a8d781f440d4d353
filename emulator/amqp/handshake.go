package amqp

import (
	"bytes"
	"fmt"
	"io"
	"time"
)

// SASL outcome codes.
const (
	saslOK   uint8 = 0
	saslAuth uint8 = 1
)

// handshake runs the protocol header exchange, SASL and open. The client
// normally starts with the SASL header; a client that skips SASL and sends
// the AMQP header directly is accepted too.
func (c *connState) handshake() error {
	hdr, err := c.readProtoHeader()
	if err != nil {
		return err
	}
	switch hdr {
	case protoHeaderSASL:
		if err := c.writeRaw(protoHeaderSASL[:]); err != nil {
			return err
		}
		if err := c.sasl(); err != nil {
			return err
		}
		if hdr, err = c.readProtoHeader(); err != nil {
			return err
		}
		if hdr != protoHeaderAMQP {
			_ = c.writeRaw(protoHeaderAMQP[:])
			return fmt.Errorf("unexpected protocol header % x after SASL", hdr[:])
		}
	case protoHeaderAMQP:
	default:
		// Per the spec: answer with the header we support, then close.
		_ = c.writeRaw(protoHeaderSASL[:])
		return fmt.Errorf("unsupported protocol header % x", hdr[:])
	}
	if err := c.writeRaw(protoHeaderAMQP[:]); err != nil {
		return err
	}
	return c.open()
}

func (c *connState) readProtoHeader() ([8]byte, error) {
	var hdr [8]byte
	_ = c.nc.SetReadDeadline(time.Now().Add(c.srv.idleTimeout()))
	if _, err := io.ReadFull(c.br, hdr[:]); err != nil {
		return hdr, fmt.Errorf("reading protocol header: %w", err)
	}
	return hdr, nil
}

func (c *connState) sasl() error {
	mechs := &saslMechanisms{Mechanisms: []Symbol{"ANONYMOUS", "PLAIN"}}
	if err := c.writeFrame(frameTypeSASL, 0, mechs, nil); err != nil {
		return err
	}
	h, p, _, err := c.readFrame()
	if err != nil {
		return fmt.Errorf("reading sasl-init: %w", err)
	}
	init, ok := p.(*saslInit)
	if !ok || h.Type != frameTypeSASL {
		return fmt.Errorf("expected sasl-init, got %T (frame type %d)", p, h.Type)
	}
	code := saslOK
	switch init.Mechanism {
	case "ANONYMOUS":
	case "PLAIN":
		user, pass, ok := parsePlain(init.InitialResponse)
		if !ok || (c.srv.PlainAuth != nil && !c.srv.PlainAuth(user, pass)) {
			code = saslAuth
		}
	default:
		code = saslAuth
	}
	if err := c.writeFrame(frameTypeSASL, 0, &saslOutcome{Code: code}, nil); err != nil {
		return err
	}
	if code != saslOK {
		return fmt.Errorf("SASL %s authentication failed", init.Mechanism)
	}
	return nil
}

// parsePlain splits a SASL PLAIN response: [authzid] NUL authcid NUL passwd.
func parsePlain(b []byte) (user, pass string, ok bool) {
	parts := bytes.Split(b, []byte{0})
	if len(parts) != 3 {
		return "", "", false
	}
	return string(parts[1]), string(parts[2]), true
}

func (c *connState) open() error {
	h, p, _, err := c.readFrame()
	if err != nil {
		return fmt.Errorf("reading open: %w", err)
	}
	o, ok := p.(*openFrame)
	if !ok || h.Type != frameTypeAMQP || h.Channel != 0 {
		return fmt.Errorf("expected open on channel 0, got %T on channel %d", p, h.Channel)
	}
	if !c.hook(true) {
		return fmt.Errorf("dropped by OnFrame")
	}
	c.hostMu.Lock()
	c.hostname = o.Hostname
	c.hostMu.Unlock()
	c.peerMaxFrame = max(o.MaxFrameSize, minMaxFrameSize)
	c.channelMax = o.ChannelMax

	// Stay well inside the client's idle timeout (it advertises half of its
	// real one), and never silent for more than maxKeepalive.
	ka := maxKeepalive
	if o.IdleTimeout > 0 {
		ka = min(ka, time.Duration(o.IdleTimeout)*time.Millisecond/2)
	}
	c.w.keepalive.Store(int64(ka))

	reply := &openFrame{
		ContainerID:  c.srv.containerID(),
		MaxFrameSize: c.maxIn,
		ChannelMax:   0xffff,
		IdleTimeout:  uint32(c.srv.idleTimeout() / time.Millisecond),
	}
	if err := c.writeFrame(frameTypeAMQP, 0, reply, nil); err != nil {
		return err
	}
	c.opened.Store(true)
	return nil
}
