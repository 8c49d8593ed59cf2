"""
Category 1 (Basic model) - Celsius to Fahrenheit
Question id: c1_celsius. Weight in the total: 1.

Seven temperatures in degrees Celsius and the same temperatures in degrees Fahrenheit. Build and
train a model that learns the conversion, so that it converts temperatures it has never seen, from
far below freezing to boiling water. The model takes one number (degrees Celsius) and returns one
number (degrees Fahrenheit).

What the grader checks:
  - the file is a Keras model saved as mymodel.h5 (.h5),
  - input shape (1,) (the batch dimension is not counted),
  - output shape (1,),
  - no Lambda layers (they cannot be loaded safely),
  - the metric on hidden data: mae (lower is better); scores 1/5: 8, 2/5: 4, 3/5: 2, 4/5: 1, 5/5: 0.5.

(Generated from hidden_tests/c1_celsius.toml; your code goes below this docstring.)
"""

import numpy as np
import tensorflow as tf

# The training data: each Celsius temperature and the same temperature in Fahrenheit.
celsius = np.array([-40.0, -10.0, 0.0, 8.0, 15.0, 22.0, 38.0], dtype=np.float32)
fahrenheit = np.array([-40.0, 14.0, 32.0, 46.4, 59.0, 71.6, 100.4], dtype=np.float32)


def solution_model():
    # BEGIN SOLUTION
    # One neuron: F = w * C + b. Adam with a large step finds w and b quickly; the step then decays so that the
    # last epochs settle on the exact line instead of circling it. The seven points repeated 50 times make 50
    # steps per epoch (Keras pays a fixed cost per epoch, so few long epochs are faster than many short ones).
    tf.keras.utils.set_random_seed(1)
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # # YOUR CODE HERE: build, compile and train a model that predicts fahrenheit from celsius.
    # # The stub below runs, but it trains for a single epoch, so its conversions are far off.
    # # Keep the Input layer: the grader gives the model one temperature at a time, in degrees Celsius (no scaling).
    # # Tip: the inputs reach 38 and the outputs 100; plain SGD with its default learning rate diverges on numbers
    # # this large, while Adam with a learning rate around 0.1 and a few hundred epochs settles.
    # END STARTER
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(1,)),
        tf.keras.layers.Dense(units=1),
    ])
    # BEGIN SOLUTION
    schedule = tf.keras.optimizers.schedules.ExponentialDecay(1.0, decay_steps=100, decay_rate=0.7)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=schedule), loss="mean_squared_error")
    model.fit(np.tile(celsius, 50), np.tile(fahrenheit, 50), epochs=30, batch_size=len(celsius), verbose=0)
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # model.compile(optimizer="adam", loss="mean_squared_error")
    # model.fit(celsius, fahrenheit, epochs=1, verbose=0)
    # END STARTER
    return model


# Run this file to train and save the model; then use "Submit and Test".
# Keep the file name mymodel.h5: that is the file the grader reads.
if __name__ == "__main__":
    model = solution_model()
    model.save("mymodel.h5")
